using System.Text.Json;
using System.Text.Json.Serialization;

namespace TriageBot.Protocol.Schema;

/// <summary>A user or bot taking part in a conversation.</summary>
public class ChannelAccount
{
    /// <summary>Creates an empty account.</summary>
    public ChannelAccount() { }

    /// <summary>Creates an account with an id and optional name.</summary>
    public ChannelAccount(string? id, string? name = null) { Id = id; Name = name; }

    /// <summary>Channel-specific id (Teams users <c>29:...</c>, the bot <c>28:&lt;appId&gt;</c>).</summary>
    public string? Id { get; set; }
    /// <summary>Display name.</summary>
    public string? Name { get; set; }
    /// <summary>The account's Entra object id, when the channel provides it.</summary>
    public string? AadObjectId { get; set; }
    /// <summary><c>user</c> or <c>bot</c>.</summary>
    public string? Role { get; set; }
    /// <summary>Fields this type does not model; kept so they survive a round trip.</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement>? Properties { get; set; }
}

/// <summary>The conversation an activity belongs to.</summary>
public class ConversationAccount
{
    /// <summary>Creates an empty conversation account.</summary>
    public ConversationAccount() { }

    /// <summary>Creates a conversation account with an id.</summary>
    public ConversationAccount(string? id, bool? isGroup = null) { Id = id; IsGroup = isGroup; }

    /// <summary>Conversation id; in a Teams channel <c>...;messageid=&lt;root&gt;</c> targets a thread.</summary>
    public string? Id { get; set; }
    /// <summary>Display name.</summary>
    public string? Name { get; set; }
    /// <summary>True for conversations with more than two participants.</summary>
    public bool? IsGroup { get; set; }
    /// <summary>Teams: <c>personal</c>, <c>groupChat</c> or <c>channel</c>.</summary>
    public string? ConversationType { get; set; }
    /// <summary>The Entra tenant of the conversation.</summary>
    public string? TenantId { get; set; }
    /// <summary>Fields this type does not model; kept so they survive a round trip.</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement>? Properties { get; set; }
}
