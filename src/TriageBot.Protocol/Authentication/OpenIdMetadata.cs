using System.Text.Json;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace TriageBot.Protocol.Authentication;

/// <summary>
/// Signing keys and their endorsements for one OpenID metadata document. The metadata (jwks_uri) comes
/// through <see cref="ConfigurationManager{T}"/>; the JWKS is fetched here as well because the
/// configuration manager drops the non-standard <c>endorsements</c> arrays. Keys are cached for a day and
/// refetched when a token names an unknown kid (at most once a minute, so random kids cannot make the bot
/// hammer the metadata endpoint).
/// </summary>
internal sealed class OpenIdMetadata
{
    private static readonly TimeSpan MaxAge = TimeSpan.FromHours(24);
    private static readonly TimeSpan MinRefreshInterval = TimeSpan.FromMinutes(1);

    private readonly ConfigurationManager<OpenIdConnectConfiguration> _configuration;
    private readonly HttpClient _httpClient;
    private readonly TimeProvider _timeProvider;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private Snapshot? _snapshot;
    private DateTimeOffset? _lastForcedRefresh;

    public OpenIdMetadata(string metadataUrl, HttpClient httpClient, TimeProvider timeProvider)
    {
        _httpClient = httpClient;
        _timeProvider = timeProvider;
        _configuration = new ConfigurationManager<OpenIdConnectConfiguration>(
            metadataUrl, new OpenIdConnectConfigurationRetriever(), new HttpDocumentRetriever(httpClient));
    }

    /// <summary>The key with id <paramref name="kid"/> and its endorsements, or null when unknown even after a refresh.</summary>
    public async Task<(SecurityKey Key, IReadOnlyList<string> Endorsements)?> GetKeyAsync(string? kid, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(kid))
        {
            return null;
        }

        var snapshot = await GetSnapshotAsync(forceRefresh: false, cancellationToken).ConfigureAwait(false);
        if (!snapshot.Keys.ContainsKey(kid))
        {
            snapshot = await GetSnapshotAsync(forceRefresh: true, cancellationToken).ConfigureAwait(false);
        }

        return snapshot.Keys.TryGetValue(kid, out var key)
            ? (key, snapshot.Endorsements.TryGetValue(kid, out var endorsements) ? endorsements : [])
            : null;
    }

    private async Task<Snapshot> GetSnapshotAsync(bool forceRefresh, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var now = _timeProvider.GetUtcNow();
            var current = _snapshot;
            var fresh = current is not null && now - current.FetchedAt < MaxAge;
            var mayForce = _lastForcedRefresh is null || now - _lastForcedRefresh >= MinRefreshInterval;
            if (current is not null && (forceRefresh ? !mayForce : fresh))
            {
                return current;
            }

            if (forceRefresh)
            {
                _lastForcedRefresh = now;
                _configuration.RequestRefresh();
            }

            var configuration = await _configuration.GetConfigurationAsync(cancellationToken).ConfigureAwait(false);
            var json = await _httpClient.GetStringAsync(configuration.JwksUri, cancellationToken).ConfigureAwait(false);
            _snapshot = Parse(json, now);
            return _snapshot;
        }
        finally
        {
            _gate.Release();
        }
    }

    private static Snapshot Parse(string json, DateTimeOffset fetchedAt)
    {
        var keys = new Dictionary<string, SecurityKey>(StringComparer.Ordinal);
        foreach (var key in new JsonWebKeySet(json).Keys)
        {
            if (!string.IsNullOrEmpty(key.Kid))
            {
                keys[key.Kid] = key;
            }
        }

        var endorsements = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        using var document = JsonDocument.Parse(json);
        if (document.RootElement.TryGetProperty("keys", out var array) && array.ValueKind == JsonValueKind.Array)
        {
            foreach (var key in array.EnumerateArray())
            {
                if (key.TryGetProperty("kid", out var kid) && kid.ValueKind == JsonValueKind.String
                    && key.TryGetProperty("endorsements", out var list) && list.ValueKind == JsonValueKind.Array)
                {
                    endorsements[kid.GetString()!] = list.EnumerateArray()
                        .Where(e => e.ValueKind == JsonValueKind.String)
                        .Select(e => e.GetString()!)
                        .ToList();
                }
            }
        }

        return new Snapshot(keys, endorsements, fetchedAt);
    }

    private sealed record Snapshot(
        IReadOnlyDictionary<string, SecurityKey> Keys,
        IReadOnlyDictionary<string, IReadOnlyList<string>> Endorsements,
        DateTimeOffset FetchedAt);
}
