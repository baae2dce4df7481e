using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace TriageBot.Protocol.Schema;

/// <summary>
/// A Bot Framework activity: the one message shape for everything a channel and a bot exchange.
/// Unknown fields are kept in <see cref="Properties"/> so they survive a round trip.
/// </summary>
public class Activity
{
    /// <summary>Activity type; see <see cref="ActivityTypes"/>.</summary>
    public string? Type { get; set; }
    /// <summary>Id assigned by the channel; becomes the reply's <see cref="ReplyToId"/>. Never set on outbound sends.</summary>
    public string? Id { get; set; }
    /// <summary>When the channel received the activity (UTC). Never set on outbound sends.</summary>
    public DateTimeOffset? Timestamp { get; set; }
    /// <summary>Base URL of the connector to reply to; persist it per conversation for proactive messages.</summary>
    public string? ServiceUrl { get; set; }
    /// <summary>Channel id; see <see cref="ChannelIds"/>.</summary>
    public string? ChannelId { get; set; }
    /// <summary>Sender.</summary>
    public ChannelAccount? From { get; set; }
    /// <summary>Receiver (on inbound activities: the bot).</summary>
    public ChannelAccount? Recipient { get; set; }
    /// <summary>Conversation.</summary>
    public ConversationAccount? Conversation { get; set; }
    /// <summary>Message text; Teams includes <c>&lt;at&gt;Name&lt;/at&gt;</c> for mentions.</summary>
    public string? Text { get; set; }
    /// <summary><c>plain</c>, <c>markdown</c> or <c>xml</c>.</summary>
    public string? TextFormat { get; set; }
    /// <summary>Text to show where the attachments cannot be rendered (channels without cards).</summary>
    public string? Summary { get; set; }
    /// <summary>BCP-47 locale of the sender.</summary>
    public string? Locale { get; set; }
    /// <summary>Files and cards.</summary>
    public IList<Attachment>? Attachments { get; set; }
    /// <summary><c>list</c> or <c>carousel</c>.</summary>
    public string? AttachmentLayout { get; set; }
    /// <summary>Entities such as mentions and clientInfo.</summary>
    [JsonConverter(typeof(EntityListConverter))]
    public IList<Entity>? Entities { get; set; }
    /// <summary>Invoke payload or <c>Action.Submit</c> data.</summary>
    public JsonElement? Value { get; set; }
    /// <summary>Invoke or event name.</summary>
    public string? Name { get; set; }
    /// <summary>Id of the activity this one answers (for Action.Submit: the card's message id).</summary>
    public string? ReplyToId { get; set; }
    /// <summary>installationUpdate action: <c>add</c>, <c>add-upgrade</c>, <c>remove</c>, <c>remove-upgrade</c>.</summary>
    public string? Action { get; set; }
    /// <summary>Members that joined (conversationUpdate).</summary>
    public IList<ChannelAccount>? MembersAdded { get; set; }
    /// <summary>Members that left (conversationUpdate).</summary>
    public IList<ChannelAccount>? MembersRemoved { get; set; }
    /// <summary>Channel-specific data; for Teams read it with <see cref="TeamsActivityExtensions"/>.</summary>
    public JsonElement? ChannelData { get; set; }
    /// <summary><see cref="DeliveryModes"/>: <c>expectReplies</c> returns the replies in the HTTP response.</summary>
    public string? DeliveryMode { get; set; }
    /// <summary>Fields this type does not model; kept so they survive a round trip.</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement>? Properties { get; set; }

    /// <summary>Creates an empty message activity.</summary>
    public static Activity CreateMessageActivity() => new() { Type = ActivityTypes.Message };

    /// <summary>Creates an empty event activity.</summary>
    public static Activity CreateEventActivity() => new() { Type = ActivityTypes.Event };

    /// <summary>
    /// Creates a message replying to this activity: from/recipient swapped, same conversation,
    /// service URL, channel and locale, <see cref="ReplyToId"/> = this activity's id.
    /// </summary>
    public Activity CreateReply(string? text = null) => new()
    {
        Type = ActivityTypes.Message,
        Text = text ?? string.Empty,
        From = Recipient is null ? null : new ChannelAccount(Recipient.Id, Recipient.Name),
        Recipient = From is null ? null : new ChannelAccount(From.Id, From.Name),
        Conversation = Conversation is null ? null : new ConversationAccount(Conversation.Id, Conversation.IsGroup)
        {
            Name = Conversation.Name,
            ConversationType = Conversation.ConversationType,
            TenantId = Conversation.TenantId,
        },
        ReplyToId = Id,
        ServiceUrl = ServiceUrl,
        ChannelId = ChannelId,
        Locale = Locale,
        Attachments = [],
        Entities = [],
    };

    /// <summary>The reference needed to continue this conversation later (store it for proactive messages).</summary>
    public ConversationReference GetConversationReference() => new()
    {
        ActivityId = Type == ActivityTypes.ConversationUpdate ? null : Id,
        User = From,
        Bot = Recipient,
        Conversation = Conversation,
        ChannelId = ChannelId,
        Locale = Locale,
        ServiceUrl = ServiceUrl,
    };

    /// <summary>
    /// Fills routing fields from a conversation reference. Outbound (<paramref name="isIncoming"/> false):
    /// from = bot, recipient = user, reply-to = the reference's activity unless already set.
    /// </summary>
    public Activity ApplyConversationReference(ConversationReference reference, bool isIncoming = false)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ChannelId = reference.ChannelId;
        ServiceUrl = reference.ServiceUrl;
        Conversation = reference.Conversation;
        Locale ??= reference.Locale;
        if (isIncoming)
        {
            From = reference.User;
            Recipient = reference.Bot;
            Id ??= reference.ActivityId;
        }
        else
        {
            From = reference.Bot;
            Recipient = reference.User;
            ReplyToId ??= reference.ActivityId;
        }

        return this;
    }

    /// <summary>All mention entities of this activity (a mention whose fields have the wrong JSON types is left out).</summary>
    public IReadOnlyList<Mention> GetMentions() =>
        Entities?.Where(e => e is not null && string.Equals(e.Type, Mention.EntityType, StringComparison.OrdinalIgnoreCase))
            .Select(e => e as Mention ?? TryReadMention(e))
            .OfType<Mention>()
            .ToList() ?? [];

    private static Mention? TryReadMention(Entity entity)
    {
        try
        {
            return entity.GetAs<Mention>();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// Removes the text of every mention of <paramref name="id"/> from <see cref="Text"/> and trims it.
    /// Returns the new text.
    /// </summary>
    public string? RemoveMentionText(string? id)
    {
        if (string.IsNullOrEmpty(Text) || string.IsNullOrEmpty(id))
        {
            return Text;
        }

        foreach (var mention in GetMentions().Where(m => string.Equals(m.Mentioned?.Id, id, StringComparison.OrdinalIgnoreCase)))
        {
            var mentionText = !string.IsNullOrEmpty(mention.Text) ? mention.Text
                : mention.Mentioned?.Name is { Length: > 0 } name ? $"<at>{name}</at>"
                : null;
            if (mentionText is not null)
            {
                Text = Regex.Replace(Text, Regex.Escape(mentionText), string.Empty, RegexOptions.IgnoreCase, TimeSpan.FromSeconds(1));
            }
        }

        Text = Text.Trim();
        return Text;
    }

    /// <summary>Removes the bot's own @mention (the recipient's) from <see cref="Text"/>; returns the new text.</summary>
    public string? RemoveRecipientMention() => RemoveMentionText(Recipient?.Id);

    /// <summary>
    /// Reads <see cref="ChannelData"/> as <typeparamref name="T"/>, or a new instance when absent or when its fields
    /// have other JSON types than <typeparamref name="T"/>'s (channel data is the channel's, not checked on the way in).
    /// </summary>
    public T GetChannelData<T>() where T : new()
    {
        if (ChannelData is not { ValueKind: JsonValueKind.Object } data)
        {
            return new T();
        }

        try
        {
            return data.Deserialize<T>(ProtocolJson.Options) ?? new T();
        }
        catch (JsonException)
        {
            return new T();
        }
    }

    /// <summary>Shallow copy (used to strip fields before sending without changing the caller's object).</summary>
    internal Activity ShallowClone() => (Activity)MemberwiseClone();
}
