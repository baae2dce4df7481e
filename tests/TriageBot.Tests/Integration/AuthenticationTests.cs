using TriageBot.Testing;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Moq;
using TriageBot.Protocol.Connector;
using TriageBot.Protocol.Integration;
using TriageBot.Tests.Integration.Support;

namespace TriageBot.Tests.Integration;

/// <summary>
/// Auth on through the real app: a single-tenant app id, OpenID metadata and a JWKS (with Teams
/// endorsements) for a local RSA key served by a fake metadata handler, tokens minted here, the clock a
/// FakeTimeProvider and the outbound token from a fake provider (MSAL would call Entra).
/// </summary>
public sealed class AuthenticationTests(AuthenticationTests.App app) : AppTestBase<AuthenticationTests.App>(app)
{
    private const string AppId = "11111111-2222-3333-4444-555555555555";
    private const string TenantId = "99999999-8888-7777-6666-555555555555";
    private const string ServiceUrl = "https://smba.trafficmanager.net/emea/";
    private const string ChannelMetadataUrl = "https://login.test/channel/.well-known/openidconfiguration";
    private const string ChannelKeysUrl = "https://login.test/channel/keys";
    private const string EntraMetadataUrl = "https://login.test/entra/v2.0/.well-known/openid-configuration";
    private const string EntraKeysUrl = "https://login.test/entra/keys";
    private const string ConnectorToken = "connector-token-from-fake-provider";

    // Key generation is slow; the keys are shared and never mutated.
    private static readonly RSA ChannelKey = RSA.Create(2048);
    private static readonly RSA WebChatOnlyKey = RSA.Create(2048);
    private static readonly RSA EntraKey = RSA.Create(2048);
    private static readonly RSA RogueKey = RSA.Create(2048);

    public sealed class App : TriageBotAppFactory
    {
        public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));

        public Mock<IAccessTokenProvider> TokenProvider { get; } = new();

        internal RecordingHttpHandler Metadata { get; } = new(request => request.RequestUri!.AbsoluteUri switch
        {
            ChannelMetadataUrl => RecordingHttpHandler.Json($$"""{"issuer":"https://api.botframework.com","jwks_uri":"{{ChannelKeysUrl}}"}"""),
            ChannelKeysUrl => RecordingHttpHandler.Json(Jwks(Jwk(ChannelKey, "channel-1", "msteams"), Jwk(WebChatOnlyKey, "webchat-1", "webchat"))),
            EntraMetadataUrl => RecordingHttpHandler.Json($$"""{"issuer":"https://login.microsoftonline.com/{tenantid}/v2.0","jwks_uri":"{{EntraKeysUrl}}"}"""),
            EntraKeysUrl => RecordingHttpHandler.Json(Jwks(Jwk(EntraKey, "entra-1"))),
            _ => RecordingHttpHandler.Status(HttpStatusCode.NotFound),
        });

        protected override void ConfigureSettings(IWebHostBuilder builder)
        {
            builder.UseSetting("MicrosoftAppType", "SingleTenant");
            builder.UseSetting("MicrosoftAppId", AppId);
            builder.UseSetting("MicrosoftAppPassword", "not-a-real-secret");
            builder.UseSetting("MicrosoftAppTenantId", TenantId);
            builder.UseSetting("ChannelOpenIdMetadataUrl", ChannelMetadataUrl);
            builder.UseSetting("EntraOpenIdMetadataUrl", EntraMetadataUrl);
        }

        protected override void ConfigureTestServices(IServiceCollection services)
        {
            TokenProvider.Setup(p => p.GetAccessTokenAsync(It.IsAny<CancellationToken>())).ReturnsAsync(ConnectorToken);
            services.AddSingleton<TimeProvider>(Time);
            services.AddSingleton(TokenProvider.Object);
            services.AddHttpClient(BotFrameworkServiceCollectionExtensions.MetadataHttpClientName)
                .ConfigurePrimaryHttpMessageHandler(() => Metadata);
        }
    }

    [Fact]
    public async Task Post_NoAuthorizationHeader_Is401AndBotDoesNotRun()
    {
        var response = await TestActivities.PostAsync(_client, Message("a:no-header"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Empty(_app.Connector.Requests);
    }

    [Fact]
    public async Task Post_ValidChannelToken_Is200AndBotReplies()
    {
        var response = await TestActivities.PostAsync(_client, Message("a:valid", expectReplies: true), ChannelToken());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var replies = await TestActivities.RepliesAsync(response);
        Assert.NotEmpty(replies);
        Assert.All(replies, reply => TestActivities.AssertNormalReply(reply, "1700000000123"));
        Assert.Empty(_app.Connector.Requests);
    }

    [Fact]
    public async Task Post_ValidEntraV2Token_Is200AndBotReplies()
    {
        var token = Mint(EntraKey, "entra-1", $"https://login.microsoftonline.com/{TenantId}/v2.0", AppId, _app.Time.GetUtcNow().AddHours(1),
            new() { ["azp"] = AppId, ["ver"] = "2.0" });

        var response = await TestActivities.PostAsync(_client, Message("a:entra", expectReplies: true), token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var replies = await TestActivities.RepliesAsync(response);
        Assert.NotEmpty(replies);
        Assert.All(replies, reply => TestActivities.AssertNormalReply(reply, "1700000000123"));
    }

    [Theory]
    [InlineData("expired beyond the 5 minute skew")]
    [InlineData("wrong audience")]
    [InlineData("serviceurl claim of another region")]
    [InlineData("wrong issuer")]
    [InlineData("signed by an unknown key")]
    [InlineData("known kid, signed by another key")]
    [InlineData("key not endorsed for msteams")]
    [InlineData("not a JWT")]
    public async Task Post_InvalidToken_Is401AndBotDoesNotRun(string problem)
    {
        var now = _app.Time.GetUtcNow();
        var token = problem switch
        {
            "expired beyond the 5 minute skew" => ChannelToken(expires: now.AddMinutes(-6)),
            "wrong audience" => ChannelToken(audience: "22222222-0000-0000-0000-000000000000"),
            "serviceurl claim of another region" => ChannelToken(serviceUrl: "https://smba.trafficmanager.net/amer/"),
            "wrong issuer" => ChannelToken(issuer: "https://api.botframework.com.evil.example"),
            "signed by an unknown key" => ChannelToken(key: RogueKey, kid: "rogue-1"),
            "known kid, signed by another key" => ChannelToken(key: RogueKey),
            "key not endorsed for msteams" => ChannelToken(key: WebChatOnlyKey, kid: "webchat-1"),
            "not a JWT" => "not-a-jwt",
            _ => throw new ArgumentOutOfRangeException(nameof(problem)),
        };

        // Normal delivery: a successful turn would post to the connector, so no connector call means no turn.
        var response = await TestActivities.PostAsync(_client, Message("a:invalid"), token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Empty(_app.Connector.Requests);
    }

    [Fact]
    public async Task Post_TokenExpiredWithinSkew_Is200()
    {
        var response = await TestActivities.PostAsync(_client, Message("a:skew", expectReplies: true), ChannelToken(expires: _app.Time.GetUtcNow().AddMinutes(-4)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Post_ValidChannelToken_ConnectorCallCarriesBearerToken()
    {
        var response = await TestActivities.PostAsync(_client, Message("a:outbound"), ChannelToken());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotEmpty(_app.Connector.Requests);
        Assert.All(_app.Connector.Requests, call =>
        {
            Assert.Equal($"Bearer {ConnectorToken}", call.Authorization);
            Assert.Equal("https://smba.trafficmanager.net/emea/v3/conversations/a%3Aoutbound/activities/1700000000123", call.Uri.AbsoluteUri);
        });
    }

    private static JsonObject Message(string conversationId, bool expectReplies = false) =>
        TestActivities.Message("Server is temporarily unavailable", conversationId, serviceUrl: ServiceUrl, expectReplies: expectReplies);

    private string ChannelToken(RSA? key = null, string kid = "channel-1", string issuer = "https://api.botframework.com",
        string audience = AppId, string serviceUrl = ServiceUrl, DateTimeOffset? expires = null) =>
        Mint(key ?? ChannelKey, kid, issuer, audience, expires ?? _app.Time.GetUtcNow().AddHours(1), new() { ["serviceurl"] = serviceUrl });

    private string Mint(RSA key, string kid, string issuer, string audience, DateTimeOffset expires, Dictionary<string, object> claims)
    {
        var now = _app.Time.GetUtcNow();
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = now.AddHours(-2).UtcDateTime,
            NotBefore = now.AddHours(-2).UtcDateTime,
            Expires = expires.UtcDateTime,
            Claims = claims,
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(key) { KeyId = kid }, SecurityAlgorithms.RsaSha256),
        });
    }

    private static string Jwks(params JsonObject[] keys) => TestKeys.Jwks(keys);

    private static JsonObject Jwk(RSA rsa, string kid, params string[] endorsements) => TestKeys.Jwk(rsa, kid, endorsements);
}
