using System.Collections.Concurrent;
using System.Net;

namespace TriageBot.Protocol.Connector;

/// <summary>
/// Decides which serviceUrls the bot may post to: those that arrived on authenticated activities,
/// https hosts on the allow-list, and loopback only when authentication is off (development).
/// Posting anywhere else would let a forged activity make the bot send its token to an attacker.
/// </summary>
public sealed class TrustedServiceUrls
{
    /// <summary>Hosts (with subdomains) trusted without having been seen on an authenticated activity.</summary>
    public static readonly IReadOnlyList<string> DefaultTrustedHosts =
    [
        "botframework.com",
        "botframework.azure.us",
        "smba.trafficmanager.net",
        "teams.microsoft.com",
        "teams.microsoft.us",
    ];

    private readonly string[] _hosts;
    private readonly bool _allowLoopback;
    private readonly ConcurrentDictionary<string, byte> _seen = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Creates the guard.</summary>
    /// <param name="additionalHosts">Hosts trusted in addition to <see cref="DefaultTrustedHosts"/>.</param>
    /// <param name="allowLoopback">True only when inbound authentication is disabled (local development).</param>
    public TrustedServiceUrls(IEnumerable<string>? additionalHosts, bool allowLoopback)
    {
        _hosts = [.. DefaultTrustedHosts, .. (additionalHosts ?? []).Select(h => h.Trim().TrimStart('.'))];
        _allowLoopback = allowLoopback;
    }

    /// <summary>Trusts the origin of a serviceUrl that arrived on an authenticated activity.</summary>
    public void Trust(string? serviceUrl)
    {
        if (Uri.TryCreate(serviceUrl, UriKind.Absolute, out var uri))
        {
            _seen.TryAdd(uri.GetLeftPart(UriPartial.Authority), 0);
        }
    }

    /// <summary>True when the bot may post to <paramref name="serviceUrl"/>.</summary>
    public bool IsTrusted(string? serviceUrl)
    {
        if (!Uri.TryCreate(serviceUrl, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            return false;
        }

        if (_seen.ContainsKey(uri.GetLeftPart(UriPartial.Authority)))
        {
            return true;
        }

        if (IsLoopback(uri))
        {
            return _allowLoopback;
        }

        return uri.Scheme == Uri.UriSchemeHttps
            && _hosts.Any(h => uri.Host.Equals(h, StringComparison.OrdinalIgnoreCase)
                || uri.Host.EndsWith("." + h, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Throws <see cref="UntrustedServiceUrlException"/> unless <see cref="IsTrusted"/>.</summary>
    public void EnsureTrusted(string? serviceUrl)
    {
        if (!IsTrusted(serviceUrl))
        {
            throw new UntrustedServiceUrlException(serviceUrl);
        }
    }

    private static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || uri.Host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
}

/// <summary>Thrown when the bot is asked to post to a serviceUrl it does not trust.</summary>
public class UntrustedServiceUrlException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public UntrustedServiceUrlException(string? serviceUrl)
        : base($"Refusing to post to untrusted serviceUrl '{serviceUrl}'. Only serviceUrls of authenticated activities, "
            + "allow-listed https hosts, or loopback with authentication disabled are allowed.")
    {
        ServiceUrl = serviceUrl;
    }

    /// <summary>The refused serviceUrl.</summary>
    public string? ServiceUrl { get; }
}
