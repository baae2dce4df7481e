namespace TriageBot.Protocol.Schema;

/// <summary>Values of <see cref="Activity.Type"/>.</summary>
public static class ActivityTypes
{
    /// <summary>A message from a user or the bot.</summary>
    public const string Message = "message";
    /// <summary>Members joined or left, or the conversation changed.</summary>
    public const string ConversationUpdate = "conversationUpdate";
    /// <summary>The bot was installed in or removed from a scope.</summary>
    public const string InstallationUpdate = "installationUpdate";
    /// <summary>A synchronous request that expects an <see cref="InvokeResponse"/>.</summary>
    public const string Invoke = "invoke";
    /// <summary>Internal activity carrying the <see cref="InvokeResponse"/> of an invoke; never sent on the wire.</summary>
    public const string InvokeResponse = "invokeResponse";
    /// <summary>Reactions added to or removed from a message.</summary>
    public const string MessageReaction = "messageReaction";
    /// <summary>A typing indicator.</summary>
    public const string Typing = "typing";
    /// <summary>A named event.</summary>
    public const string Event = "event";
}

/// <summary>Values of <see cref="Activity.DeliveryMode"/>.</summary>
public static class DeliveryModes
{
    /// <summary>Replies go out through the connector.</summary>
    public const string Normal = "normal";
    /// <summary>Replies are buffered and returned in the HTTP response as <see cref="ExpectedReplies"/>.</summary>
    public const string ExpectReplies = "expectReplies";
}

/// <summary>Well-known values of <see cref="Activity.ChannelId"/>.</summary>
public static class ChannelIds
{
    /// <summary>Microsoft Teams.</summary>
    public const string Msteams = "msteams";
    /// <summary>The Bot Framework Emulator.</summary>
    public const string Emulator = "emulator";
    /// <summary>Direct Line.</summary>
    public const string Directline = "directline";
    /// <summary>Web Chat.</summary>
    public const string Webchat = "webchat";
    /// <summary>Unit tests.</summary>
    public const string Test = "test";
}

/// <summary>Names of events the adapter raises itself.</summary>
public static class ActivityEventNames
{
    /// <summary>The event activity a proactive <c>ContinueConversationAsync</c> turn starts with.</summary>
    public const string ContinueConversation = "ContinueConversation";
    /// <summary>The event activity a <c>CreateConversationAsync</c> turn starts with.</summary>
    public const string CreateConversation = "CreateConversation";
}
