namespace TriageBot.Protocol.Integration;

/// <summary>Adapter and state settings (configuration section <c>BotFramework</c>).</summary>
public class BotFrameworkOptions
{
    /// <summary>Largest accepted request body; bigger requests get 413. Default 256 KB.</summary>
    public long MaxRequestBodyBytes { get; set; } = 256 * 1024;

    /// <summary>Conversation state expires this long after its last save (null: never). Default 30 days.</summary>
    public TimeSpan? ConversationStateExpiry { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// How many times <see cref="CloudAdapter"/> runs an inbound turn whose state write met an ETag conflict
    /// (another turn of the same conversation, on this or another instance, saved first): each attempt reads
    /// the state again. The replies of an attempt are held back until it completes, so a retried turn is
    /// never heard twice. Default 3; 1 turns the retry off, and replies are then sent as the turn goes.
    /// </summary>
    public int MaxTurnAttempts { get; set; } = 3;

    /// <summary>
    /// How many ids of recent activities conversation state remembers (the activities whose turns saved it),
    /// so a redelivered activity can be recognised (<see cref="Builder.BotState.HasSavedActivityAsync"/>).
    /// Default 32; 0 remembers none.
    /// </summary>
    public int RememberedActivityIds { get; set; } = 32;
}
