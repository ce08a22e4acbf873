namespace LeadSync.Domain.Tests.Privacy;

public sealed class EmailMaskTests
{
    [Theory]
    [InlineData("ada@example.com", "a***@example.com")]
    [InlineData("  bob.smith@example.org ", "b***@example.org")]
    [InlineData("a.b@c@example.net", "a***@example.net")]
    [InlineData("nonsense", "***")]
    [InlineData("@example.com", "***")]
    [InlineData(null, "(no email)")]
    [InlineData("", "(no email)")]
    [InlineData("   ", "(no email)")]
    public void Mask_Email_HidesLocalPart(string? email, string expected)
    {
        Assert.Equal(expected, EmailMask.Mask(email));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" \t ")]
    public void MaskOrNull_Blank_Null(string? email)
    {
        Assert.Null(EmailMask.MaskOrNull(email));
    }

    [Theory]
    [InlineData("ada@example.com", "a***@example.com")]
    [InlineData(" Bob@Example.org ", "B***@Example.org")]
    [InlineData("nonsense", "***")]
    public void MaskOrNull_Email_SameAsMask(string email, string expected)
    {
        Assert.Equal(expected, EmailMask.MaskOrNull(email));
        Assert.Equal(EmailMask.Mask(email), EmailMask.MaskOrNull(email));
    }

    [Theory]
    [InlineData(" Ada@Example.COM ", "ada@example.com")]
    [InlineData("ada@example.com", "ada@example.com")]
    [InlineData("NONSENSE", "nonsense")]
    public void Normalize_Email_TrimmedLowerCase(string email, string expected)
    {
        Assert.Equal(expected, EmailMask.Normalize(email));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Normalize_Blank_Null(string? email)
    {
        Assert.Null(EmailMask.Normalize(email));
    }
}
