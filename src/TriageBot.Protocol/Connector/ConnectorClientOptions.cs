namespace TriageBot.Protocol.Connector;

/// <summary>Outbound connector settings (configuration section <c>BotFramework:Connector</c>).</summary>
public class ConnectorClientOptions
{
    /// <summary>
    /// Extra hosts (and their subdomains) the bot may post to besides
    /// <see cref="TrustedServiceUrls.DefaultTrustedHosts"/>; https only.
    /// </summary>
    public List<string> AdditionalTrustedHosts { get; set; } = [];

    /// <summary>Total attempts per request, including the first (at least 1).</summary>
    public int MaxAttempts { get; set; } = 4;

    /// <summary>Backoff base: attempt n waits up to <c>BaseDelay * 2^(n-1)</c> (full jitter).</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest wait between attempts; a Retry-After beyond it ends the retries.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(30);
}
