using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using LeadSync.Domain.Planning;
using LeadSync.Sync.Ports;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using WireMock.RequestBuilders;
using static LeadSync.Connectors.Salesforce.Tests.SalesforceTestHost;

namespace LeadSync.Connectors.Salesforce.Tests;

public sealed class SoqlTests
{
    [Theory]
    [InlineData("ada@example.com", "'ada@example.com'")]
    [InlineData("o'brien@example.com", @"'o\'brien@example.com'")]
    [InlineData(@"back\slash", @"'back\\slash'")]
    [InlineData("say \"hi\"", "'say \\\"hi\\\"'")]
    [InlineData("a\nb\rc\td\be\ff", @"'a\nb\rc\td\be\ff'")]
    public void Quote_SpecialCharacters_AreEscaped(string value, string expected) => Assert.Equal(expected, Soql.Quote(value));

    [Fact]
    public void Quote_OtherControlCharacter_Throws() => Assert.Throws<ArgumentException>(() => Soql.Quote("a\u0001b"));

    [Fact]
    public void DateTime_OffsetAndFraction_RendersUtcWholeSeconds() =>
        Assert.Equal("2024-05-02T08:11:12Z", Soql.DateTime(new DateTimeOffset(2024, 5, 2, 10, 11, 12, 999, TimeSpan.FromHours(2))));
}

public sealed class LimitInfoTests
{
    [Theory]
    [InlineData("api-usage=10018/100000", 100000, 89982)]
    [InlineData("api-usage=80000/100000; api-bursts=1/750", 100000, 20000)]
    [InlineData("api-bursts=1/750;api-usage=5/10", 10, 5)]
    public void ParseLimitInfo_UsageHeader_ReturnsQuota(string header, long max, long remaining) =>
        Assert.Equal(new ApiQuota(max, remaining), SalesforceObservingHandler.ParseLimitInfo(header));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("api-usage=abc/100")]
    [InlineData("api-usage=5/0")]
    public void ParseLimitInfo_Unreadable_ReturnsNull(string? header) => Assert.Null(SalesforceObservingHandler.ParseLimitInfo(header));
}

public sealed class SalesforceOptionsValidatorTests
{
    [Fact]
    public void Validate_CompleteClientCredentials_HasNoProblems()
    {
        var options = new SalesforceOptions { LoginUrl = "https://acme.my.salesforce.com", ClientId = "id", ClientSecret = "secret" };

        Assert.Empty(SalesforceOptionsValidator.Validate(options, "LeadSync:Connections:acme:Salesforce"));
    }

    [Fact]
    public void Validate_ManyMistakes_ReportsEveryProblemWithPath()
    {
        var options = new SalesforceOptions
        {
            LoginUrl = "http://acme.my.salesforce.com",
            ClientId = "",
            ClientSecret = "",
            ApiVersion = "v59.0",
            DailyApiReserveShare = 0,
            QueryBatchSize = 50,
            TotalTimeout = TimeSpan.FromSeconds(1),
            MaxRetries = 11,
        };

        var problems = SalesforceOptionsValidator.Validate(options, "sf");

        Assert.Equal(
            ["sf:LoginUrl", "sf:ClientId", "sf:ClientSecret", "sf:ApiVersion", "sf:DailyApiReserveShare", "sf:QueryBatchSize", "sf:TotalTimeout", "sf:MaxRetries"],
            problems.Select(p => p.Path));
        Assert.All(problems, p => Assert.False(string.IsNullOrWhiteSpace(p.Allowed)));
    }

    [Theory]
    [InlineData("v60", false)]
    [InlineData("60.0", false)]
    [InlineData("v60.0", true)]
    [InlineData("v66.0", true)]
    public void Validate_ApiVersion_AcceptsOnlyVnnDotN(string version, bool valid)
    {
        var options = new SalesforceOptions { LoginUrl = "http://localhost:5000", ClientId = "id", ClientSecret = "s", ApiVersion = version };

        Assert.Equal(valid, SalesforceOptionsValidator.Validate(options, "sf").Count == 0);
    }

    [Fact]
    public void Validate_JwtWithMissingKeyFile_ReportsUsernameAndKey()
    {
        var options = new SalesforceOptions
        {
            ClientId = "id",
            AuthFlow = SalesforceAuthFlow.JwtBearer,
            PrivateKeyPath = Path.Combine(Path.GetTempPath(), $"missing-{Guid.NewGuid():N}.pem"),
        };

        var problems = SalesforceOptionsValidator.Validate(options, "sf");

        Assert.Equal(["sf:Username", "sf:PrivateKeyPath"], problems.Select(p => p.Path));
    }
}

public sealed class JwtBearerTests
{
    [Fact]
    public void Create_Assertion_HasRs256HeaderClaimsAndVerifiableSignature()
    {
        using var rsa = RSA.Create(2048);
        var now = new DateTimeOffset(2024, 5, 2, 10, 0, 0, TimeSpan.Zero);

        var jwt = JwtAssertion.Create("client-id", "integration@leadsync.example", "https://login.salesforce.com", now, rsa);

        var parts = jwt.Split('.');
        Assert.Equal(3, parts.Length);
        using var header = JsonDocument.Parse(FromBase64Url(parts[0]));
        Assert.Equal("RS256", header.RootElement.GetProperty("alg").GetString());
        using var claims = JsonDocument.Parse(FromBase64Url(parts[1]));
        Assert.Equal("client-id", claims.RootElement.GetProperty("iss").GetString());
        Assert.Equal("integration@leadsync.example", claims.RootElement.GetProperty("sub").GetString());
        Assert.Equal("https://login.salesforce.com", claims.RootElement.GetProperty("aud").GetString());
        Assert.Equal(now.AddMinutes(3).ToUnixTimeSeconds(), claims.RootElement.GetProperty("exp").GetInt64());
        using var publicKey = RSA.Create();
        publicKey.ImportSubjectPublicKeyInfo(rsa.ExportSubjectPublicKeyInfo(), out _);
        Assert.True(publicKey.VerifyData(
            Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}"), FromBase64Url(parts[2]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        Assert.DoesNotContain('=', jwt);
    }

    [Fact]
    public async Task JwtBearerFlow_TokenRequest_PostsSignedAssertionFromPemKey()
    {
        using var rsa = RSA.Create(2048);
        var keyPath = Path.Combine(Path.GetTempPath(), $"sf-test-{Guid.NewGuid():N}.pem");
        await File.WriteAllTextAsync(keyPath, rsa.ExportPkcs8PrivateKeyPem());
        try
        {
            var clock = new FakeTimeProvider(new DateTimeOffset(2024, 5, 2, 10, 0, 0, TimeSpan.Zero));
            using var host = new SalesforceTestHost(o =>
            {
                o.AuthFlow = SalesforceAuthFlow.JwtBearer;
                o.ClientSecret = string.Empty;
                o.Username = "integration@leadsync.example";
                o.PrivateKeyPath = keyPath;
            });
            Assert.Empty(SalesforceOptionsValidator.Validate(host.Options, "sf"));
            host.Instance.Given(Request.Create().WithPath($"{Data}/limits").UsingGet())
                .RespondWith(Json(200, """{"DailyApiRequests":{"Max":100,"Remaining":99}}"""));
            using var services = new ServiceCollection()
                .AddSingleton<TimeProvider>(clock)
                .AddSalesforceConnector("jwt", host.Options)
                .BuildServiceProvider();

            await services.GetRequiredKeyedService<ICrmSystem>("jwt").GetDailyQuotaAsync(CancellationToken.None);

            var form = Assert.Single(host.Requests(host.Login)).Body!
                .Split('&')
                .Select(pair => pair.Split('='))
                .ToDictionary(kv => kv[0], kv => Uri.UnescapeDataString(kv[1]));
            Assert.Equal(["grant_type", "assertion"], form.Keys);
            Assert.Equal("urn:ietf:params:oauth:grant-type:jwt-bearer", form["grant_type"]);
            var parts = form["assertion"].Split('.');
            using var claims = JsonDocument.Parse(FromBase64Url(parts[1]));
            Assert.Equal(clock.GetUtcNow().AddMinutes(3).ToUnixTimeSeconds(), claims.RootElement.GetProperty("exp").GetInt64());
            Assert.Equal(host.Options.LoginUrl.TrimEnd('/'), claims.RootElement.GetProperty("aud").GetString());
            Assert.True(rsa.VerifyData(Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}"), FromBase64Url(parts[2]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        }
        finally
        {
            File.Delete(keyPath);
        }
    }

    private static byte[] FromBase64Url(string text)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '='));
    }
}

public sealed class TaskKeyTests
{
    [Theory]
    [InlineData("Score 57", "hs-1#1", "Score 57\n\nLeadSync key: hs-1#1")]
    [InlineData("Score 57\r\n\n", "hs-1#1", "Score 57\n\nLeadSync key: hs-1#1")]
    [InlineData("", "hs-1#1", "LeadSync key: hs-1#1")]
    public void TaskDescription_Keyed_EndsWithTheKeyLine(string description, string key, string expected) =>
        Assert.Equal(expected, SalesforceCrmSystem.TaskDescription(new CrmTask("00Q5g00000AbCdEEAV", "0055g00000XYZabAAH", "S", "High", "Not Started", default, description, key)));

    [Fact]
    public void TaskDescription_Unkeyed_IsUnchanged() =>
        Assert.Equal("Score 57\n", SalesforceCrmSystem.TaskDescription(new CrmTask("00Q5g00000AbCdEEAV", "0055g00000XYZabAAH", "S", "High", "Not Started", default, "Score 57\n")));

    [Theory]
    [InlineData("Score 57\n\nLeadSync key: hs-1#1", "hs-1#1")]
    [InlineData("Score 57\r\n\r\nLeadSync key: hs-1#10\r\n", "hs-1#10")]
    [InlineData("LeadSync key: old\nLeadSync key: new", "new")]
    [InlineData("Please call. LeadSync key: hs-1#1", null)]
    [InlineData("LeadSync key: ", null)]
    [InlineData(null, null)]
    public void KeyOf_Description_ReadsTheKeyLine(string? description, string? expected) => Assert.Equal(expected, SalesforceCrmSystem.KeyOf(description));
}

public sealed class SalesforceLeadSchemaTests
{
    [Fact]
    public void Default_NamesTheSandboxVocabularyAndTheKeyField() =>
        Assert.Equal(new SalesforceLeadSchema("HubSpot_Contact_Id__c", "Score__c", "Fit_Grade__c", "LeadSync_Key__c"), SalesforceLeadSchema.Default);

    [Theory]
    [InlineData("Score__c) FROM User --")]
    [InlineData("")]
    [InlineData("Lead.Score__c")]
    public void AddSalesforceConnector_FieldNameThatIsNotOne_Throws(string name)
    {
        var services = new ServiceCollection();

        Assert.Throws<ArgumentException>(() => services.AddSalesforceConnector("acme", new SalesforceOptions(), SalesforceLeadSchema.Default with { ExternalKeyField = name }));
    }

    [Fact]
    public void CheckExternalKey_ExternalIdUniqueWritable_IsOk()
    {
        var check = SalesforceLeadSchema.Default.CheckExternalKey([Field("leadsync_key__c", externalId: true, unique: true)]);

        Assert.True(check.Ok);
        Assert.Empty(check.Problems);
        Assert.Equal("leadsync_key__c", check.Field);
    }

    [Fact]
    public void CheckExternalKey_Missing_SaysWhatToCreate()
    {
        var check = SalesforceLeadSchema.Default.CheckExternalKey([Field("Email", externalId: false, unique: false)]);

        Assert.False(check.Exists);
        Assert.False(check.Ok);
        Assert.Contains("External ID and Unique", Assert.Single(check.Problems), StringComparison.Ordinal);
    }

    [Fact]
    public void CheckExternalKey_NotExternalIdNotUniqueReadOnly_ReportsEach()
    {
        var check = SalesforceLeadSchema.Default.CheckExternalKey([Field("LeadSync_Key__c", externalId: false, unique: false, writable: false)]);

        Assert.Equal((true, false, false, false), (check.Exists, check.IsExternalId, check.IsUnique, check.Writable));
        Assert.Equal(3, check.Problems.Count);
    }

    private static SalesforceLeadField Field(string name, bool externalId, bool unique, bool writable = true) =>
        new(name, "string", writable, writable, externalId, unique, []);
}
