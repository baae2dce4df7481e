using Microsoft.Extensions.Options;
using Microsoft.Identity.Client;
using Microsoft.Identity.Client.AppConfig;
using TriageBot.Protocol.Authentication;

namespace TriageBot.Protocol.Connector;

/// <summary>Supplies the bearer token for connector calls.</summary>
public interface IAccessTokenProvider
{
    /// <summary>The access token, or null to send no Authorization header.</summary>
    Task<string?> GetAccessTokenAsync(CancellationToken cancellationToken = default);
}

/// <summary>No token: used when no app id is configured (local development, emulators).</summary>
public sealed class NullAccessTokenProvider : IAccessTokenProvider
{
    /// <inheritdoc />
    public Task<string?> GetAccessTokenAsync(CancellationToken cancellationToken = default) => Task.FromResult<string?>(null);
}

/// <summary>
/// Client-credentials token for the Bot Framework scope through MSAL, which caches it until shortly
/// before expiry. A semaphore keeps to one token request at a time so a burst of turns on a cold
/// cache does not fan out to Entra.
/// </summary>
public sealed class MsalAccessTokenProvider : IAccessTokenProvider, IDisposable
{
    /// <summary>Scope of Bot Framework connector tokens.</summary>
    public const string BotFrameworkScope = "https://api.botframework.com/.default";

    /// <summary>Tenant used by multi-tenant bots.</summary>
    public const string BotFrameworkTenant = "botframework.com";

    private readonly Func<CancellationToken, Task<AuthenticationResult>> _acquire;
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Creates the provider from the bot's credentials.</summary>
    public MsalAccessTokenProvider(IOptions<BotFrameworkAuthenticationOptions> options)
    {
        var o = options?.Value ?? throw new ArgumentNullException(nameof(options));
        if (o.AppType == MicrosoftAppType.UserAssignedMSI)
        {
            var msi = ManagedIdentityApplicationBuilder.Create(ManagedIdentityId.WithUserAssignedClientId(o.MicrosoftAppId)).Build();
            _acquire = ct => msi.AcquireTokenForManagedIdentity("https://api.botframework.com").ExecuteAsync(ct);
        }
        else
        {
            var tenant = o.AppType == MicrosoftAppType.SingleTenant ? o.MicrosoftAppTenantId : BotFrameworkTenant;
            var app = ConfidentialClientApplicationBuilder.Create(o.MicrosoftAppId)
                .WithClientSecret(o.MicrosoftAppPassword)
                .WithAuthority($"https://login.microsoftonline.com/{tenant}")
                .Build();
            _acquire = ct => app.AcquireTokenForClient([BotFrameworkScope]).ExecuteAsync(ct);
        }
    }

    /// <inheritdoc />
    public async Task<string?> GetAccessTokenAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var result = await _acquire(cancellationToken).ConfigureAwait(false);
            return result.AccessToken;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose() => _gate.Dispose();
}
