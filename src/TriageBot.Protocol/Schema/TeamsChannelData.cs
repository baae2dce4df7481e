using System.Text.Json;
using System.Text.Json.Serialization;

namespace TriageBot.Protocol.Schema;

/// <summary>Typed view of Teams <see cref="Activity.ChannelData"/>.</summary>
public class TeamsChannelData
{
    /// <summary>Tenant (<c>tenant.id</c>).</summary>
    public TenantInfo? Tenant { get; set; }
    /// <summary>Team, in team scope.</summary>
    public TeamInfo? Team { get; set; }
    /// <summary>Channel, in channel conversations.</summary>
    public ChannelInfo? Channel { get; set; }
    /// <summary>Event type of conversationUpdate (teamMemberAdded, channelCreated, ...).</summary>
    public string? EventType { get; set; }
    /// <summary>Settings (<c>settings.selectedChannel</c> on install).</summary>
    public TeamsChannelDataSettings? Settings { get; set; }
    /// <summary>Where the activity came from (<c>source.name</c>, e.g. <c>message</c> or <c>compose</c>).</summary>
    public TeamsChannelDataSource? Source { get; set; }
    /// <summary>Fields this type does not model.</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement>? Properties { get; set; }
}

/// <summary>Teams tenant.</summary>
public class TenantInfo
{
    /// <summary>Tenant id.</summary>
    public string? Id { get; set; }
}

/// <summary>Teams team.</summary>
public class TeamInfo
{
    /// <summary>Team id (<c>19:...</c>).</summary>
    public string? Id { get; set; }
    /// <summary>Team name.</summary>
    public string? Name { get; set; }
    /// <summary>Id of the team's Microsoft 365 group.</summary>
    public string? AadGroupId { get; set; }
}

/// <summary>Teams channel.</summary>
public class ChannelInfo
{
    /// <summary>Channel id (<c>19:...@thread.tacv2</c>).</summary>
    public string? Id { get; set; }
    /// <summary>Channel name.</summary>
    public string? Name { get; set; }
}

/// <summary>Teams channelData settings.</summary>
public class TeamsChannelDataSettings
{
    /// <summary>The channel selected when the app was installed in a team.</summary>
    public ChannelInfo? SelectedChannel { get; set; }
}

/// <summary>Teams channelData source.</summary>
public class TeamsChannelDataSource
{
    /// <summary>Source name.</summary>
    public string? Name { get; set; }
}

/// <summary>Teams accessors over <see cref="Activity.ChannelData"/>.</summary>
public static class TeamsActivityExtensions
{
    /// <summary>The Teams tenant id, from channelData or else the conversation.</summary>
    public static string? TeamsGetTenantId(this Activity activity) =>
        activity.GetChannelData<TeamsChannelData>().Tenant?.Id ?? activity.Conversation?.TenantId;

    /// <summary>The team, when the activity comes from a team.</summary>
    public static TeamInfo? TeamsGetTeamInfo(this Activity activity) =>
        activity.GetChannelData<TeamsChannelData>().Team;

    /// <summary>The channel id, when the activity comes from a team channel.</summary>
    public static string? TeamsGetChannelId(this Activity activity) =>
        activity.GetChannelData<TeamsChannelData>().Channel?.Id;

    /// <summary>The channel selected at installation, if any.</summary>
    public static string? TeamsGetSelectedChannelId(this Activity activity) =>
        activity.GetChannelData<TeamsChannelData>().Settings?.SelectedChannel?.Id;
}
