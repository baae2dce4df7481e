using System.Text.Json;
using System.Text.Json.Serialization;

namespace TriageBot.Protocol.Schema;

/// <summary>The connector's answer to a send: the id of the created activity.</summary>
public class ResourceResponse
{
    /// <summary>Creates an empty response.</summary>
    public ResourceResponse() { }

    /// <summary>Creates a response with an id.</summary>
    public ResourceResponse(string? id) { Id = id; }

    /// <summary>Id of the activity the service created or changed.</summary>
    public string? Id { get; set; }
}

/// <summary>The connector's answer to <c>POST v3/conversations</c>.</summary>
public class ConversationResourceResponse
{
    /// <summary>Id of the new conversation (in a Teams channel <c>&lt;channel&gt;;messageid=&lt;n&gt;</c>).</summary>
    public string? Id { get; set; }
    /// <summary>Id of the first activity, when one was sent.</summary>
    public string? ActivityId { get; set; }
    /// <summary>Service URL to use for the new conversation, when it differs.</summary>
    public string? ServiceUrl { get; set; }
}

/// <summary>Body of <c>POST v3/conversations</c> (proactive conversation creation).</summary>
public class ConversationParameters
{
    /// <summary>True for a group conversation (a new Teams channel post).</summary>
    public bool? IsGroup { get; set; }
    /// <summary>The bot.</summary>
    public ChannelAccount? Bot { get; set; }
    /// <summary>Members to add.</summary>
    public IList<ChannelAccount>? Members { get; set; }
    /// <summary>Topic of the conversation, where supported.</summary>
    public string? TopicName { get; set; }
    /// <summary>Tenant to create the conversation in.</summary>
    public string? TenantId { get; set; }
    /// <summary>First activity to post.</summary>
    public Activity? Activity { get; set; }
    /// <summary>Channel-specific data, e.g. Teams <c>{channel:{id:"19:..."}}</c>.</summary>
    public JsonElement? ChannelData { get; set; }
}

/// <summary>HTTP answer to an <c>expectReplies</c> activity: the replies the turn produced.</summary>
public class ExpectedReplies
{
    /// <summary>Creates an empty list of replies.</summary>
    public ExpectedReplies() { }

    /// <summary>Creates the answer from the buffered replies.</summary>
    public ExpectedReplies(IList<Activity> activities) { Activities = activities; }

    /// <summary>The replies, in order.</summary>
    public IList<Activity> Activities { get; set; } = [];
}

/// <summary>What an invoke returns: the HTTP status and the raw body written to the response.</summary>
public class InvokeResponse
{
    /// <summary>HTTP status code.</summary>
    [JsonPropertyName("status")]
    public int Status { get; set; }

    /// <summary>Body written as JSON; any JSON-serializable value, or null for an empty body.</summary>
    [JsonPropertyName("body")]
    public object? Body { get; set; }
}
