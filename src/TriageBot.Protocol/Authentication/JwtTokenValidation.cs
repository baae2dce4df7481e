using System.Security.Claims;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using TriageBot.Protocol.Schema;

namespace TriageBot.Protocol.Authentication;

/// <summary>
/// Validates the bearer token of an inbound activity: Bot Framework channel tokens (issuer
/// <c>https://api.botframework.com</c>, endorsed signing key, <c>serviceurl</c> claim) and Entra tokens
/// (v1/v2 issuers of the bot's tenant and the Bot Framework tenants, <c>appid</c>/<c>azp</c> = the bot).
/// </summary>
public sealed class JwtTokenValidation
{
    /// <summary>Issuer of Bot Framework channel tokens.</summary>
    public const string ChannelIssuer = "https://api.botframework.com";

    /// <summary>Tenants whose Entra tokens Bot Framework services use.</summary>
    public static readonly IReadOnlyList<string> BotFrameworkTenants = ["d6d49420-f39b-4df7-a1dc-d59a935871db", "f8cdef31-a31e-4b4a-93e4-5f571e91255a"];

    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);
    private static readonly string[] Algorithms = [SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512];

    private readonly BotFrameworkAuthenticationOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly OpenIdMetadata _channelMetadata;
    private readonly OpenIdMetadata _entraMetadata;
    private readonly HashSet<string> _entraIssuers;
    private readonly JsonWebTokenHandler _handler = new();

    /// <summary>Creates the validator.</summary>
    /// <param name="options">App id, tenant and metadata URLs.</param>
    /// <param name="httpClient">Client for metadata and key documents (long-lived).</param>
    /// <param name="timeProvider">Clock for token lifetime and key caching.</param>
    public JwtTokenValidation(IOptions<BotFrameworkAuthenticationOptions> options, HttpClient httpClient, TimeProvider timeProvider)
    {
        _options = options?.Value ?? throw new ArgumentNullException(nameof(options));
        _timeProvider = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));
        _channelMetadata = new OpenIdMetadata(_options.ChannelOpenIdMetadataUrl, httpClient, timeProvider);
        _entraMetadata = new OpenIdMetadata(_options.EntraOpenIdMetadataUrl, httpClient, timeProvider);
        var tenants = BotFrameworkTenants.Concat(string.IsNullOrWhiteSpace(_options.MicrosoftAppTenantId) ? [] : [_options.MicrosoftAppTenantId]);
        _entraIssuers = tenants
            .SelectMany(t => new[] { $"https://sts.windows.net/{t}/", $"https://login.microsoftonline.com/{t}/v2.0" })
            .ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>
    /// Authenticates an inbound request. Returns the caller's identity (an unauthenticated, anonymous one
    /// when authentication is disabled; a header sent then is ignored) or throws <see cref="UnauthorizedAccessException"/>.
    /// </summary>
    public async Task<ClaimsIdentity> AuthenticateRequestAsync(Activity activity, string? authHeader, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(activity);
        if (!_options.AuthenticationEnabled)
        {
            return new ClaimsIdentity();
        }

        if (string.IsNullOrWhiteSpace(authHeader) || !authHeader.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            throw new UnauthorizedAccessException("Missing or non-bearer Authorization header.");
        }

        var raw = authHeader["Bearer ".Length..].Trim();
        JsonWebToken token;
        try
        {
            token = new JsonWebToken(raw);
        }
        catch (ArgumentException)
        {
            throw new UnauthorizedAccessException("Malformed bearer token.");
        }

        if (token.Issuer == ChannelIssuer)
        {
            return await ValidateChannelTokenAsync(raw, token, activity, cancellationToken).ConfigureAwait(false);
        }

        if (_entraIssuers.Contains(token.Issuer))
        {
            return await ValidateEntraTokenAsync(raw, token, cancellationToken).ConfigureAwait(false);
        }

        throw new UnauthorizedAccessException("Token issuer is not trusted.");
    }

    private async Task<ClaimsIdentity> ValidateChannelTokenAsync(string raw, JsonWebToken token, Activity activity, CancellationToken cancellationToken)
    {
        var (key, endorsements) = await _channelMetadata.GetKeyAsync(token.Kid, cancellationToken).ConfigureAwait(false)
            ?? throw new UnauthorizedAccessException("Token signing key is unknown.");
        var identity = await ValidateAsync(raw, [ChannelIssuer], key, cancellationToken).ConfigureAwait(false);

        if (string.IsNullOrEmpty(activity.ChannelId) || !endorsements.Contains(activity.ChannelId, StringComparer.OrdinalIgnoreCase))
        {
            throw new UnauthorizedAccessException($"Signing key is not endorsed for channel '{activity.ChannelId}'.");
        }

        var serviceUrl = identity.FindFirst("serviceurl")?.Value;
        if (string.IsNullOrEmpty(serviceUrl) || !string.Equals(serviceUrl, activity.ServiceUrl, StringComparison.OrdinalIgnoreCase))
        {
            throw new UnauthorizedAccessException("Token serviceurl claim does not match the activity's serviceUrl.");
        }

        return identity;
    }

    private async Task<ClaimsIdentity> ValidateEntraTokenAsync(string raw, JsonWebToken token, CancellationToken cancellationToken)
    {
        var (key, _) = await _entraMetadata.GetKeyAsync(token.Kid, cancellationToken).ConfigureAwait(false)
            ?? throw new UnauthorizedAccessException("Token signing key is unknown.");
        var identity = await ValidateAsync(raw, _entraIssuers, key, cancellationToken).ConfigureAwait(false);

        var appIdClaim = identity.FindFirst("ver")?.Value == "2.0" ? "azp" : "appid";
        if (!string.Equals(identity.FindFirst(appIdClaim)?.Value, _options.MicrosoftAppId, StringComparison.OrdinalIgnoreCase))
        {
            throw new UnauthorizedAccessException($"Token {appIdClaim} claim is not this bot's app id.");
        }

        return identity;
    }

    private async Task<ClaimsIdentity> ValidateAsync(string raw, IEnumerable<string> issuers, SecurityKey key, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var parameters = new TokenValidationParameters
        {
            ValidIssuers = issuers,
            ValidAudience = _options.MicrosoftAppId,
            IssuerSigningKey = key,
            ValidAlgorithms = Algorithms,
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ClockSkew = ClockSkew,
            LifetimeValidator = ValidateLifetime,
        };
        var result = await _handler.ValidateTokenAsync(raw, parameters).ConfigureAwait(false);
        return result.IsValid
            ? result.ClaimsIdentity
            : throw new UnauthorizedAccessException($"Token validation failed: {result.Exception?.GetType().Name}.");
    }

    private bool ValidateLifetime(DateTime? notBefore, DateTime? expires, SecurityToken token, TokenValidationParameters parameters)
    {
        var now = _timeProvider.GetUtcNow().UtcDateTime;
        return expires is { } exp && exp.ToUniversalTime() > now - ClockSkew
            && (notBefore is not { } nbf || nbf.ToUniversalTime() <= now + ClockSkew);
    }
}
