namespace TriageBot.Protocol.Integration;

/// <summary>Adapter and state settings (configuration section <c>BotFramework</c>).</summary>
public class BotFrameworkOptions
{
    /// <summary>Largest accepted request body; bigger requests get 413. Default 256 KB.</summary>
    public long MaxRequestBodyBytes { get; set; } = 256 * 1024;

    /// <summary>Conversation state expires this long after its last save (null: never). Default 30 days.</summary>
    public TimeSpan? ConversationStateExpiry { get; set; } = TimeSpan.FromDays(30);
}
