namespace LeadSync.Connectors.HubSpot.Tests.Infrastructure;

public sealed class VendoredSpecTests
{
    [Theory]
    [InlineData("hubspot-crm-contacts-v3.json")]
    [InlineData("hubspot-crm-lists-v3.json")]
    public void VendoredCopy_WhenSharedSpecIsBesideTheRepository_IsIdentical(string file)
    {
        var vendored = SpecValidator.VendoredCopyPath(file);
        Assert.True(File.Exists(vendored), $"vendored spec missing at {vendored}");

        var shared = SpecValidator.SharedPath(file);
        if (shared is not null && File.Exists(shared))
        {
            Assert.Equal(File.ReadAllText(shared), File.ReadAllText(vendored));
        }
    }
}
