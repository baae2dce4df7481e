using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using TriageBot.Protocol.Builder;
using TriageBot.Protocol.Connector;
using TriageBot.Protocol.Schema;

namespace TriageBot.Escalation;

/// <summary>Whether someone may act on tickets.</summary>
public enum AgentCheck
{
    Agent,
    NotAgent,

    /// <summary>Teams could not be asked (connector down): nothing may change, try again later.</summary>
    Unknown,
}

/// <summary>
/// Who is a helpdesk agent: the Entra object ids configured in <see cref="EscalationOptions.AgentAadObjectIds"/>,
/// and the members of the helpdesk team, asked of Teams (<c>GET v3/conversations/{team}/members/{user}</c>)
/// and remembered for <see cref="EscalationOptions.AgentCheckCacheDuration"/>. Which team that is, when it was
/// recorded at install, is read from storage and remembered as long; <see cref="TeamRecorded"/> tells it of a new one.
/// </summary>
public sealed class HelpdeskAgents(IConnectorClient connector, IStorage storage, IOptions<EscalationOptions> options, TimeProvider time, ILogger<HelpdeskAgents> log)
{
    private readonly ConcurrentDictionary<(string Team, string User), (bool IsMember, DateTimeOffset Until)> _cache = new();
    private readonly Lock _recordedGate = new();

    // The team recorded for the helpdesk channel as last read or recorded (TeamId null: none), guarded by
    // _recordedGate; _recordedVersion counts TeamRecorded calls, so that a read begun before one is not kept.
    private (string ChannelId, string? TeamId, DateTimeOffset Until)? _recorded;
    private long _recordedVersion;

    public async Task<AgentCheck> CheckAsync(Activity activity, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(activity);
        var from = activity.From;
        if (from?.Id is not { Length: > 0 } userId)
        {
            return AgentCheck.NotAgent;
        }

        var settings = options.Value;
        if (from.AadObjectId is { Length: > 0 } aad && settings.AgentAadObjectIds.Contains(aad, StringComparer.OrdinalIgnoreCase))
        {
            return AgentCheck.Agent;
        }

        // Only the helpdesk's team counts, never the team an activity comes from: a member of any other team
        // the bot is in must not become an agent by pressing a forged button there.
        var team = settings.TeamMembersAreAgents ? await HelpdeskTeamAsync(cancellationToken).ConfigureAwait(false) : null;
        if (team is null || string.IsNullOrEmpty(activity.ServiceUrl))
        {
            return AgentCheck.NotAgent;
        }

        var now = time.GetUtcNow();
        if (_cache.TryGetValue((team, userId), out var cached) && cached.Until > now)
        {
            return cached.IsMember ? AgentCheck.Agent : AgentCheck.NotAgent;
        }

        try
        {
            var member = await connector.GetConversationMemberAsync(activity.ServiceUrl, team, userId, cancellationToken).ConfigureAwait(false);
            _cache[(team, userId)] = (member is not null, now + settings.AgentCheckCacheDuration);
            return member is not null ? AgentCheck.Agent : AgentCheck.NotAgent;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            log.LogWarning(ex, "Could not ask Teams whether {User} is a member of the helpdesk team {Team}", userId, team);
            return AgentCheck.Unknown;
        }
    }

    /// <summary>
    /// <see cref="EscalationOptions.HelpdeskTeamId"/>; else the team recorded when the bot was installed in the
    /// helpdesk channel; else the channel id itself (a team's General channel has the team's id).
    /// </summary>
    private async Task<string?> HelpdeskTeamAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (!string.IsNullOrWhiteSpace(settings.HelpdeskTeamId))
        {
            return settings.HelpdeskTeamId;
        }

        if (string.IsNullOrWhiteSpace(settings.HelpdeskChannelId))
        {
            return null;
        }

        var channel = settings.HelpdeskChannelId;
        var now = time.GetUtcNow();
        long version;
        lock (_recordedGate)
        {
            if (_recorded is { } cached && cached.ChannelId == channel && cached.Until > now)
            {
                return cached.TeamId ?? channel;
            }

            version = _recordedVersion;
        }

        var key = InstalledTeam.Key(channel);
        var recorded = StoredItems.Get<InstalledTeam>(await storage.ReadAsync([key], cancellationToken).ConfigureAwait(false), key);
        var teamId = recorded?.TeamId is { Length: > 0 } id ? id : null;
        lock (_recordedGate)
        {
            // A team recorded while this read was under way is newer than what it found.
            if (_recordedVersion == version)
            {
                _recorded = (channel, teamId, now + settings.AgentCheckCacheDuration);
            }
        }

        return teamId ?? channel;
    }

    /// <summary>
    /// The bot recorded <paramref name="teamId"/> as the team of <paramref name="channelId"/> when it was installed there
    /// (null or empty: it deleted the record, uninstalled): the checks of this instance use it from now on rather than
    /// what they read before. (Other instances of the bot on the same storage read it again when theirs expires.)
    /// </summary>
    public void TeamRecorded(string channelId, string? teamId)
    {
        ArgumentNullException.ThrowIfNull(channelId);
        var settings = options.Value;
        if (channelId != settings.HelpdeskChannelId)
        {
            return;
        }

        lock (_recordedGate)
        {
            _recordedVersion++;
            _recorded = (channelId, string.IsNullOrEmpty(teamId) ? null : teamId, time.GetUtcNow() + settings.AgentCheckCacheDuration);
        }
    }
}

/// <summary>The team a channel belongs to, recorded when the bot is installed there (storage key <see cref="Key"/>).</summary>
public sealed class InstalledTeam : IStoreItem
{
    public string TeamId { get; set; } = "";

    public string? ETag { get; set; } = "*";

    public static string Key(string channelId) => $"references/{channelId}/team";
}
