namespace TriageBot.Escalation;

/// <summary>Where tickets go and how the outbox retries (section <c>Escalation</c>).</summary>
public sealed class EscalationOptions
{
    /// <summary>
    /// The Teams channel that receives ticket cards (<c>19:...@thread.tacv2</c>); empty: no channel posts.
    /// </summary>
    public string? HelpdeskChannelId { get; set; }

    /// <summary>
    /// The connector serviceUrl of the helpdesk's team; empty: taken from the conversation reference the bot
    /// stored when it was installed in that channel (storage key <c>references/{HelpdeskChannelId}</c>).
    /// </summary>
    public string? HelpdeskServiceUrl { get; set; }

    /// <summary>Receives every new ticket as JSON (POST); empty: no webhook.</summary>
    public string? WebhookUrl { get; set; }

    /// <summary>How often the dispatcher looks for due deliveries.</summary>
    public TimeSpan DispatchInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long the dispatcher's lease lasts unless renewed; another instance takes over after it.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>First retry delay; doubles with each failed attempt (with jitter) up to <see cref="RetryMaxDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(30);
}
