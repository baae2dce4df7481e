namespace TriageBot.Escalation;

/// <summary>Where tickets go and how the outbox retries (section <c>Escalation</c>).</summary>
public sealed class EscalationOptions
{
    /// <summary>
    /// The Teams channel that receives ticket cards (<c>19:...@thread.tacv2</c>); empty: no channel posts.
    /// </summary>
    public string? HelpdeskChannelId { get; set; }

    /// <summary>Whether <paramref name="conversationId"/> is the helpdesk channel or one of its threads (<c>{channel};messageid=...</c>).</summary>
    public bool IsHelpdeskChannel(string? conversationId) =>
        HelpdeskChannelId is { Length: > 0 } channel
        && conversationId is { Length: > 0 }
        && string.Equals(conversationId.Split(';')[0], channel, StringComparison.Ordinal);

    /// <summary>
    /// The connector serviceUrl of the helpdesk's team; empty: taken from the conversation reference the bot
    /// stored when it was installed in that channel (storage key <c>references/{HelpdeskChannelId}</c>).
    /// </summary>
    public string? HelpdeskServiceUrl { get; set; }

    /// <summary>
    /// The team whose members are helpdesk agents (in Teams the General channel's id is the team id); empty: the
    /// team recorded when the bot was installed in <see cref="HelpdeskChannelId"/>, else that channel's id. Never
    /// the team an activity comes from.
    /// </summary>
    public string? HelpdeskTeamId { get; set; }

    /// <summary>
    /// Whether the members of the helpdesk team are agents (asked of Teams); false: only
    /// <see cref="AgentAadObjectIds"/> are, e.g. when the helpdesk channel is in a large team.
    /// </summary>
    public bool TeamMembersAreAgents { get; set; } = true;

    /// <summary>Entra object ids of people who are agents whatever team they are in.</summary>
    public List<string> AgentAadObjectIds { get; set; } = [];

    /// <summary>
    /// How long a membership answer from Teams is trusted before it is asked again; and the team recorded for the
    /// helpdesk channel at install, read from storage (an install on this instance takes effect at once).
    /// </summary>
    public TimeSpan AgentCheckCacheDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The language of the helpdesk's ticket cards (en-us, de-de, zh-cn, zh-tw).</summary>
    public string HelpdeskLocale { get; set; } = "en-us";

    /// <summary>Receives every new ticket, and the ticket again after each change, as JSON (POST); empty: no webhook.</summary>
    public string? WebhookUrl { get; set; }

    /// <summary>How often the dispatcher looks for due deliveries.</summary>
    public TimeSpan DispatchInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long the dispatcher's lease lasts unless renewed; another instance takes over after it.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>First retry delay; doubles with each failed attempt (with jitter) up to <see cref="RetryMaxDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(30);
}
