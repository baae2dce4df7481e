using Microsoft.Extensions.Options;

namespace TriageBot.Protocol.Authentication;

/// <summary>How the bot's identity is registered in Azure Bot Service.</summary>
public enum MicrosoftAppType
{
    /// <summary>App registration in any tenant; tokens from the botframework.com tenant.</summary>
    MultiTenant,
    /// <summary>App registration in one tenant (default for new registrations); needs <c>MicrosoftAppTenantId</c>.</summary>
    SingleTenant,
    /// <summary>User-assigned managed identity; <c>MicrosoftAppId</c> is its client id, no password.</summary>
    UserAssignedMSI,
}

/// <summary>
/// The bot's credentials and token validation endpoints, under the SDK's configuration names
/// (bound from the configuration root: <c>MicrosoftAppType</c>, <c>MicrosoftAppId</c>, ...).
/// With no <see cref="MicrosoftAppId"/> authentication is off: inbound requests are anonymous and
/// outbound calls carry no token (local development only).
/// </summary>
public class BotFrameworkAuthenticationOptions
{
    /// <summary>Default Bot Framework channel OpenID metadata.</summary>
    public const string DefaultChannelOpenIdMetadataUrl = "https://login.botframework.com/v1/.well-known/openidconfiguration";

    /// <summary>Default Entra OpenID metadata (multi-tenant v2 endpoint; its keys also sign v1 tokens).</summary>
    public const string DefaultEntraOpenIdMetadataUrl = "https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration";

    /// <summary><c>SingleTenant</c>, <c>MultiTenant</c> or <c>UserAssignedMSI</c>; empty means MultiTenant, as in the SDK.</summary>
    public string? MicrosoftAppType { get; set; }

    /// <summary>The bot's app (client) id; empty disables authentication.</summary>
    public string? MicrosoftAppId { get; set; }

    /// <summary>Client secret (not used for UserAssignedMSI).</summary>
    public string? MicrosoftAppPassword { get; set; }

    /// <summary>The bot's tenant; required for SingleTenant.</summary>
    public string? MicrosoftAppTenantId { get; set; }

    /// <summary>OpenID metadata of Bot Framework channel tokens (overridable for tests).</summary>
    public string ChannelOpenIdMetadataUrl { get; set; } = DefaultChannelOpenIdMetadataUrl;

    /// <summary>OpenID metadata of Entra-issued tokens (overridable for tests).</summary>
    public string EntraOpenIdMetadataUrl { get; set; } = DefaultEntraOpenIdMetadataUrl;

    /// <summary>True when an app id is configured.</summary>
    public bool AuthenticationEnabled => !string.IsNullOrWhiteSpace(MicrosoftAppId);

    /// <summary>The parsed <see cref="MicrosoftAppType"/>.</summary>
    public MicrosoftAppType AppType =>
        string.IsNullOrWhiteSpace(MicrosoftAppType) ? Authentication.MicrosoftAppType.MultiTenant
        : Enum.TryParse<MicrosoftAppType>(MicrosoftAppType, ignoreCase: true, out var type) ? type
        : throw new InvalidOperationException($"Unknown MicrosoftAppType '{MicrosoftAppType}'.");
}

/// <summary>Validates <see cref="BotFrameworkAuthenticationOptions"/> at start-up.</summary>
public sealed class BotFrameworkAuthenticationOptionsValidator : IValidateOptions<BotFrameworkAuthenticationOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, BotFrameworkAuthenticationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (!string.IsNullOrWhiteSpace(options.MicrosoftAppType) && !Enum.TryParse<MicrosoftAppType>(options.MicrosoftAppType, true, out _))
        {
            failures.Add($"MicrosoftAppType must be SingleTenant, MultiTenant or UserAssignedMSI (got '{options.MicrosoftAppType}').");
        }
        else if (options.AuthenticationEnabled)
        {
            if (options.AppType != MicrosoftAppType.UserAssignedMSI && string.IsNullOrWhiteSpace(options.MicrosoftAppPassword))
            {
                failures.Add("MicrosoftAppPassword is required when MicrosoftAppId is set (except for UserAssignedMSI).");
            }

            if (options.AppType == MicrosoftAppType.SingleTenant && string.IsNullOrWhiteSpace(options.MicrosoftAppTenantId))
            {
                failures.Add("MicrosoftAppTenantId is required for a SingleTenant bot.");
            }
        }

        foreach (var (key, url) in new[] { ("ChannelOpenIdMetadataUrl", options.ChannelOpenIdMetadataUrl), ("EntraOpenIdMetadataUrl", options.EntraOpenIdMetadataUrl) })
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps)
            {
                failures.Add($"{key} must be an absolute https URL.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
