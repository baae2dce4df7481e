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

    /// <summary>
    /// The event activity a proactive turn starts with. It has no id, so what the turn sends is posted
    /// to the conversation (<c>POST .../activities</c>) rather than as a reply to the stored activity;
    /// set <see cref="Activity.ReplyToId"/> on an outgoing activity to thread it.
    /// </summary>
    public Activity GetContinuationActivity()
    {
        var activity = new Activity { Type = ActivityTypes.Event, Name = ActivityEventNames.ContinueConversation };
        activity.ChannelId = ChannelId;
        activity.ServiceUrl = ServiceUrl;
        activity.Conversation = Conversation;
        activity.Locale = Locale;
        activity.From = User;
        activity.Recipient = Bot;
        return activity;
    }
}
