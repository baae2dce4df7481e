namespace TriageBot.Protocol.Schema;

/// <summary>Everything needed to post into an existing conversation later (proactive messages).</summary>
public class ConversationReference
{
    /// <summary>The activity to reply to, if any.</summary>
    public string? ActivityId { get; set; }
    /// <summary>The user.</summary>
    public ChannelAccount? User { get; set; }
    /// <summary>The bot.</summary>
    public ChannelAccount? Bot { get; set; }
    /// <summary>The conversation.</summary>
    public ConversationAccount? Conversation { get; set; }
    /// <summary>Channel id.</summary>
    public string? ChannelId { get; set; }
    /// <summary>Locale of the user.</summary>
    public string? Locale { get; set; }
    /// <summary>Connector base URL for the conversation.</summary>
    public string? ServiceUrl { get; set; }

    /// <summary>The event activity a proactive turn starts with.</summary>
    public Activity GetContinuationActivity() => new Activity
    {
        Type = ActivityTypes.Event,
        Name = ActivityEventNames.ContinueConversation,
        Id = Guid.NewGuid().ToString(),
    }.ApplyConversationReference(this, isIncoming: true);
}
