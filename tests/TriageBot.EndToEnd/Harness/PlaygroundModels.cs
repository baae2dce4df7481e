using System.Text.Json.Serialization;

namespace TriageBot.EndToEnd.Harness;

/// <summary>The mock tenant the Playground simulates (GET /_internal/v1/testConfig). Chat ids are new GUIDs
/// on every start unless a personal chat id is passed; the team and channel ids are fixed.</summary>
public sealed record PlaygroundTestConfig(
    string TenantId,
    PlaygroundAccount Bot,
    PlaygroundUser CurrentUser,
    IReadOnlyList<PlaygroundUser> Users,
    PlaygroundChat PersonalChat,
    IReadOnlyList<PlaygroundGroupChat> GroupChats,
    IReadOnlyList<PlaygroundTeam> Teams);

public sealed record PlaygroundAccount(string Id, string Name);

public sealed record PlaygroundUser(
    string Id,
    string Name,
    [property: JsonPropertyName("userPrincipleName")] string? UserPrincipalName,
    string? AadObjectId,
    string? Email);

public sealed record PlaygroundChat(string Id, string Name);

public sealed record PlaygroundGroupChat(string Id, string Name, IReadOnlyList<string> Members);

public sealed record PlaygroundTeam(string Id, string Name, string? AadGroupId, IReadOnlyList<PlaygroundChannel> Channels, IReadOnlyList<string> Members);

public sealed record PlaygroundChannel(string Id, string Name, string? ChannelType);

/// <summary>A mention to put in a user message (the text must also appear in the message text).</summary>
public sealed record PlaygroundMention(string Id, string Text);

public enum PlaygroundLogDirection
{
    /// <summary>The Playground posted an activity to the bot; the response is the bot's HTTP answer.</summary>
    ToBot,

    /// <summary>The bot called the mocked connector; the response is the connector's answer.</summary>
    FromBot,

    /// <summary>A text line the Playground shows in its log panel (warnings such as "Cannot connect to your app").</summary>
    Note,
}

/// <summary>One item of the Playground's log stream (WebSocket /_ws/log/stream).</summary>
public sealed record PlaygroundLogEntry(
    int Sequence,
    PlaygroundLogDirection Direction,
    string? ActivityName,
    string? ConversationId,
    string? MessageId,
    JsonElement? Request,
    int? StatusCode,
    JsonElement? ResponseBody,
    string? DisplayText,
    string? Level)
{
    internal static PlaygroundLogEntry Parse(int sequence, JsonElement log)
    {
        var isNote = log.Str("type") == "text";
        var direction = isNote
            ? PlaygroundLogDirection.Note
            : log.Str("from") == "User Application" ? PlaygroundLogDirection.FromBot : PlaygroundLogDirection.ToBot;
        var request = log.Find("request", "body");
        var response = log.Find("response");
        int? status = response?.Find("statusCode") is { ValueKind: JsonValueKind.Number } code ? code.GetInt32() : null;
        return new PlaygroundLogEntry(
            sequence,
            direction,
            log.Str("activityName"),
            log.Str("conversationId"),
            log.Str("messageId"),
            request,
            status,
            response?.Find("body"),
            log.Str("displayText"),
            log.Str("level"));
    }

    public override string ToString() =>
        $"#{Sequence} {Direction} {ActivityName} conv={ConversationId} status={StatusCode} " +
        (Direction == PlaygroundLogDirection.Note ? $"{Level}: {DisplayText}" : $"request={Request?.GetRawText()} response={ResponseBody?.GetRawText()}");
}

/// <summary>An activity the bot sent to the Playground's mocked connector, with the connector's answer.</summary>
public sealed record BotActivity(int Sequence, JsonElement Activity, int StatusCode, string? Id)
{
    public string? Type => Activity.Str("type");

    public string? Text => Activity.Str("text");

    public string? ReplyToId => Activity.Str("replyToId");

    public string? ConversationId => Activity.Str("conversation", "id");

    public JsonElement? Attachments => Activity.Find("attachments");

    internal static BotActivity? From(PlaygroundLogEntry entry)
    {
        if (entry is not { Direction: PlaygroundLogDirection.FromBot, Request: { ValueKind: JsonValueKind.Object } request })
        {
            return null;
        }

        if (request.Str("type") is not null)
        {
            return new BotActivity(entry.Sequence, request, entry.StatusCode ?? 0, entry.ResponseBody?.Str("id"));
        }

        // POST v3/conversations (a new channel thread): the activity is inside; the answer names the new
        // conversation ({channel};messageid={n}) and the activity ({n}).
        if (request.Find("activity") is { ValueKind: JsonValueKind.Object } nested && nested.Str("type") is not null)
        {
            var activity = System.Text.Json.Nodes.JsonNode.Parse(nested.GetRawText())!.AsObject();
            activity["conversation"] = new System.Text.Json.Nodes.JsonObject { ["id"] = entry.ResponseBody?.Str("id") };
            return new BotActivity(entry.Sequence, JsonSerializer.SerializeToElement(activity), entry.StatusCode ?? 0, entry.ResponseBody?.Str("activityId"));
        }

        return null;
    }

    public override string ToString() => $"#{Sequence} [{StatusCode}] {Activity.GetRawText()}";
}

/// <summary>One item of the conversation stream (WebSocket /_ws_conversation/v1/conversations/stream): what the
/// Playground's chat view shows. <see cref="Action"/> is createMessage, updateMessage or typing.</summary>
public sealed record ConversationEvent(int Sequence, string Action, string? ConversationId, JsonElement? Message)
{
    public string? MessageId => Message?.Str("messageId");

    public string? Text => Message?.Str("text");
}

/// <summary>A user action the Playground delivered to the bot. <see cref="Delivery"/> is null when the Playground
/// does not forward it (a channel or group chat message that does not mention the bot).</summary>
public sealed record PlaygroundTurn(string ConversationId, string? MessageId, PlaygroundLogEntry? Delivery)
{
    /// <summary>The activity as the bot received it.</summary>
    public JsonElement? Activity => Delivery?.Request;

    /// <summary>The inbound activity id; the bot's replies carry it as replyToId.</summary>
    public string? ActivityId => Delivery?.Request?.Str("id");

    /// <summary>The HTTP status the bot answered the Playground with.</summary>
    public int? BotStatusCode => Delivery?.StatusCode;
}

/// <summary>The answer of POST /_conversation/v1/invoke. The Playground passes on only part of the bot's body
/// ({type, value} for adaptiveCard/action, {composeExtension, task} for message extensions) and answers 502 when
/// the bot fails; <see cref="BotExchange"/> holds the bot's own status and body from the log stream.</summary>
public sealed record InvokeResult(int StatusCode, JsonElement? Body, string RawBody, PlaygroundLogEntry? BotExchange)
{
    public int? BotStatusCode => BotExchange?.StatusCode;

    public JsonElement? BotBody => BotExchange?.ResponseBody;
}

internal static class JsonElementPaths
{
    public static JsonElement? Find(this JsonElement element, params string[] path)
    {
        var current = element;
        foreach (var name in path)
        {
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(name, out current))
            {
                return null;
            }
        }

        return current.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined ? null : current;
    }

    public static string? Str(this JsonElement element, params string[] path) =>
        element.Find(path) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;
}
