using TriageBot.Testing;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using TriageBot.Protocol.Authentication;
using TriageBot.Protocol.Schema;
using TriageBot.Protocol.Tests.TestDoubles;

namespace TriageBot.Protocol.Tests.Authentication;

// Tokens are minted from local RSA keys; OpenID metadata and JWKS documents are served by a fake
// HTTP handler, so nothing here touches the network. Lifetimes are checked against a FakeTimeProvider.
public sealed class JwtTokenValidationTests
{
    private const string AppId = "11111111-2222-3333-4444-555555555555";
    private const string BotTenant = "99999999-8888-7777-6666-555555555555";
    private const string ServiceUrl = "https://smba.trafficmanager.net/emea/";
    private const string ChannelMetadataUrl = "https://login.test/channel/.well-known/openidconfiguration";
    private const string EntraMetadataUrl = "https://login.test/entra/v2.0/.well-known/openid-configuration";

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));
    // Key generation is slow; the keys are shared by all tests of the class (they are never mutated).
    private static readonly RSA _channelKey = RSA.Create(2048);
    private static readonly RSA _webChatOnlyKey = RSA.Create(2048);
    private static readonly RSA _entraKey = RSA.Create(2048);
    private static readonly RSA _rogueKey = RSA.Create(2048);
    private static readonly RSA _rotatedKey = RSA.Create(2048);
    private readonly JsonArray _channelKeys;
    private readonly FakeHttpMessageHandler _http;
    private readonly JwtTokenValidation _validation;

    public JwtTokenValidationTests()
    {
        _channelKeys = [Jwk(_channelKey, "channel-1", "msteams", "webchat"), Jwk(_webChatOnlyKey, "webchat-1", "webchat")];
        var entraKeys = new JsonArray(Jwk(_entraKey, "entra-1"));
        _http = new FakeHttpMessageHandler(request => request.RequestUri!.AbsoluteUri switch
        {
            ChannelMetadataUrl => FakeHttpMessageHandler.Json("""{"issuer":"https://api.botframework.com","jwks_uri":"https://login.test/channel/keys"}"""),
            "https://login.test/channel/keys" => FakeHttpMessageHandler.Json(new JsonObject { ["keys"] = _channelKeys.DeepClone() }.ToJsonString()),
            EntraMetadataUrl => FakeHttpMessageHandler.Json("""{"issuer":"https://login.microsoftonline.com/{tenantid}/v2.0","jwks_uri":"https://login.test/entra/keys"}"""),
            "https://login.test/entra/keys" => FakeHttpMessageHandler.Json(new JsonObject { ["keys"] = entraKeys.DeepClone() }.ToJsonString()),
            _ => new HttpResponseMessage(HttpStatusCode.NotFound),
        });
        _validation = CreateValidation(AppId);
    }

    [Fact]
    public async Task AuthenticateRequestAsync_ValidChannelToken_ReturnsAuthenticatedIdentity()
    {
        var identity = await _validation.AuthenticateRequestAsync(Activity(), Bearer(ChannelToken()));

        Assert.True(identity.IsAuthenticated);
        Assert.Equal(ServiceUrl, identity.FindFirst("serviceurl")!.Value);
    }

    [Fact]
    public async Task AuthenticateRequestAsync_ExpiredBeyondSkew_Throws()
    {
        await AssertRejectedAsync(ChannelToken(expires: _time.GetUtcNow().AddMinutes(-6)));
    }

    [Fact]
    public async Task AuthenticateRequestAsync_ExpiredWithinSkew_Accepts()
    {
        var identity = await _validation.AuthenticateRequestAsync(Activity(), Bearer(ChannelToken(expires: _time.GetUtcNow().AddMinutes(-4))));

        Assert.True(identity.IsAuthenticated);
    }

    [Fact]
    public async Task AuthenticateRequestAsync_WrongAudience_Throws()
    {
        await AssertRejectedAsync(ChannelToken(audience: "someone-else"));
    }

    [Fact]
    public async Task AuthenticateRequestAsync_WrongIssuer_Throws()
    {
        await AssertRejectedAsync(ChannelToken(issuer: "https://api.botframework.com.evil.example"));
    }

    [Fact]
    public async Task AuthenticateRequestAsync_UnknownKid_RefreshesKeysThenThrows()
    {
        await _validation.AuthenticateRequestAsync(Activity(), Bearer(ChannelToken()));
        var keyFetches = KeyFetches();

        await AssertRejectedAsync(ChannelToken(key: _rogueKey, kid: "rogue-1"));

        Assert.True(KeyFetches() > keyFetches);
    }

    [Fact]
    public async Task AuthenticateRequestAsync_KeyRotatedAfterCaching_RefreshesAndAccepts()
    {
        await _validation.AuthenticateRequestAsync(Activity(), Bearer(ChannelToken()));
        _channelKeys.Add(Jwk(_rotatedKey, "channel-2", "msteams"));

        var identity = await _validation.AuthenticateRequestAsync(Activity(), Bearer(ChannelToken(key: _rotatedKey, kid: "channel-2")));

        Assert.True(identity.IsAuthenticated);
    }

    [Fact]
    public async Task AuthenticateRequestAsync_KnownKidSignedByOtherKey_Throws()
    {
        await AssertRejectedAsync(ChannelToken(key: _rogueKey, kid: "channel-1"));
    }

    [Fact]
    public async Task AuthenticateRequestAsync_KeyNotEndorsedForChannel_Throws()
    {
        await AssertRejectedAsync(ChannelToken(key: _webChatOnlyKey, kid: "webchat-1"));
    }

    [Fact]
    public async Task AuthenticateRequestAsync_ServiceUrlClaimMismatch_Throws()
    {
        await AssertRejectedAsync(ChannelToken(serviceUrl: "https://smba.trafficmanager.net/amer/"));
    }

    [Fact]
    public async Task AuthenticateRequestAsync_ServiceUrlClaimDiffersOnlyInCase_Accepts()
    {
        var identity = await _validation.AuthenticateRequestAsync(Activity(), Bearer(ChannelToken(serviceUrl: ServiceUrl.ToUpperInvariant())));

        Assert.True(identity.IsAuthenticated);
    }

    [Fact]
    public async Task AuthenticateRequestAsync_ValidEntraV1Token_Accepts()
    {
        var token = Mint(_entraKey, "entra-1", $"https://sts.windows.net/{BotTenant}/", AppId, _time.GetUtcNow().AddHours(1),
            new() { ["appid"] = AppId, ["ver"] = "1.0" });

        var identity = await _validation.AuthenticateRequestAsync(Activity(), Bearer(token));

        Assert.True(identity.IsAuthenticated);
    }

    [Fact]
    public async Task AuthenticateRequestAsync_ValidEntraV2TokenFromBotFrameworkTenant_Accepts()
    {
        var token = Mint(_entraKey, "entra-1", "https://login.microsoftonline.com/d6d49420-f39b-4df7-a1dc-d59a935871db/v2.0", AppId, _time.GetUtcNow().AddHours(1),
            new() { ["azp"] = AppId, ["ver"] = "2.0" });

        var identity = await _validation.AuthenticateRequestAsync(Activity(), Bearer(token));

        Assert.True(identity.IsAuthenticated);
    }

    [Fact]
    public async Task AuthenticateRequestAsync_EntraTokenForOtherApp_Throws()
    {
        await AssertRejectedAsync(Mint(_entraKey, "entra-1", $"https://login.microsoftonline.com/{BotTenant}/v2.0", AppId, _time.GetUtcNow().AddHours(1),
            new() { ["azp"] = "another-app", ["ver"] = "2.0" }));
    }

    [Fact]
    public async Task AuthenticateRequestAsync_EntraTokenFromOtherTenant_Throws()
    {
        await AssertRejectedAsync(Mint(_entraKey, "entra-1", "https://sts.windows.net/00000000-0000-0000-0000-000000000001/", AppId, _time.GetUtcNow().AddHours(1),
            new() { ["appid"] = AppId, ["ver"] = "1.0" }));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Basic dXNlcjpwYXNz")]
    [InlineData("Bearer not-a-jwt")]
    public async Task AuthenticateRequestAsync_MissingOrMalformedHeader_Throws(string? header)
    {
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => _validation.AuthenticateRequestAsync(Activity(), header));
    }

    [Fact]
    public async Task AuthenticateRequestAsync_AuthDisabled_ReturnsAnonymousWithoutFetchingMetadata()
    {
        var disabled = CreateValidation(appId: null);

        var identity = await disabled.AuthenticateRequestAsync(Activity(), "Bearer whatever");

        Assert.False(identity.IsAuthenticated);
        Assert.Empty(_http.Requests);
    }

    private JwtTokenValidation CreateValidation(string? appId) => new(
        Options.Create(new BotFrameworkAuthenticationOptions
        {
            MicrosoftAppType = "SingleTenant",
            MicrosoftAppId = appId,
            MicrosoftAppPassword = "secret",
            MicrosoftAppTenantId = BotTenant,
            ChannelOpenIdMetadataUrl = ChannelMetadataUrl,
            EntraOpenIdMetadataUrl = EntraMetadataUrl,
        }),
        new HttpClient(_http),
        _time);

    private int KeyFetches() => _http.Requests.Count(r => r.Uri.AbsoluteUri == "https://login.test/channel/keys");

    private async Task AssertRejectedAsync(string token)
    {
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => _validation.AuthenticateRequestAsync(Activity(), Bearer(token)));
    }

    private string ChannelToken(RSA? key = null, string kid = "channel-1", string issuer = "https://api.botframework.com",
        string audience = AppId, string serviceUrl = ServiceUrl, DateTimeOffset? expires = null) =>
        Mint(key ?? _channelKey, kid, issuer, audience, expires ?? _time.GetUtcNow().AddHours(1), new() { ["serviceurl"] = serviceUrl });

    private DateTimeOffset Now => _time.GetUtcNow();

    private string Mint(RSA key, string kid, string issuer, string audience, DateTimeOffset expires, Dictionary<string, object> claims) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = Now.AddHours(-2).UtcDateTime,
            NotBefore = Now.AddHours(-2).UtcDateTime,
            Expires = expires.UtcDateTime,
            Claims = claims,
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(key) { KeyId = kid }, SecurityAlgorithms.RsaSha256),
        });

    private static string Bearer(string token) => $"Bearer {token}";

    private static Activity Activity() => new()
    {
        Type = ActivityTypes.Message,
        ChannelId = "msteams",
        ServiceUrl = ServiceUrl,
    };

    private static JsonObject Jwk(RSA rsa, string kid, params string[] endorsements) => TestKeys.Jwk(rsa, kid, endorsements);
}
