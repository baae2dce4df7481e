using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Moq;
using TriageBot.Escalation;
using TriageBot.Protocol.Builder;
using TriageBot.Protocol.Connector;
using TriageBot.Protocol.Schema;

namespace TriageBot.Tests.Escalation;

/// <summary>Who may act on tickets: configured Entra ids, else members of the helpdesk team as Teams reports them.</summary>
public sealed class HelpdeskAgentsTests
{
    private const string ServiceUrl = "https://smba.trafficmanager.net/emea/";
    private const string HelpdeskChannel = "19:helpdesk-channel@thread.tacv2";
    private const string HelpdeskTeam = "19:helpdesk-team-general@thread.tacv2";
    private const string AgentId = "29:agent";

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
    private readonly MemoryStorage _storage = new();
    private readonly Mock<IConnectorClient> _connector = new(MockBehavior.Strict);

    [Fact]
    public async Task CheckAsync_ConfiguredEntraId_AgentWithoutAskingTeams()
    {
        var agents = Create(new EscalationOptions { HelpdeskChannelId = HelpdeskChannel, AgentAadObjectIds = ["AAD-MEGAN"] });

        var check = await agents.CheckAsync(From(AgentId, aad: "aad-megan"));

        Assert.Equal(AgentCheck.Agent, check);
        _connector.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task CheckAsync_MemberOfTheConfiguredTeam_AgentAskedAboutThatTeamAndUser()
    {
        Member(HelpdeskTeam, AgentId, isMember: true);
        var agents = Create(new EscalationOptions { HelpdeskChannelId = HelpdeskChannel, HelpdeskTeamId = HelpdeskTeam, AgentAadObjectIds = ["someone-else"] });

        var check = await agents.CheckAsync(From(AgentId, aad: "aad-megan"));

        Assert.Equal(AgentCheck.Agent, check);
        _connector.Verify(c => c.GetConversationMemberAsync(ServiceUrl, HelpdeskTeam, AgentId, It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task CheckAsync_TeamsAnswers404_NotAgent()
    {
        Member(HelpdeskTeam, "29:stranger", isMember: false);
        var agents = Create(new EscalationOptions { HelpdeskChannelId = HelpdeskChannel, HelpdeskTeamId = HelpdeskTeam });

        Assert.Equal(AgentCheck.NotAgent, await agents.CheckAsync(From("29:stranger")));
    }

    [Theory]
    [InlineData("http")]
    [InlineData("timeout")]
    public async Task CheckAsync_ConnectorFails_UnknownAndAskedAgainNextTime(string failure)
    {
        Exception ex = failure == "http"
            ? new HttpRequestException("Response status code does not indicate success: 503.", null, System.Net.HttpStatusCode.ServiceUnavailable)
            : new TaskCanceledException("The request was canceled due to the configured HttpClient.Timeout.");
        _connector.Setup(c => c.GetConversationMemberAsync(ServiceUrl, HelpdeskTeam, AgentId, It.IsAny<CancellationToken>())).ThrowsAsync(ex);
        var agents = Create(new EscalationOptions { HelpdeskChannelId = HelpdeskChannel, HelpdeskTeamId = HelpdeskTeam });

        var first = await agents.CheckAsync(From(AgentId));
        var second = await agents.CheckAsync(From(AgentId));

        Assert.Equal((AgentCheck.Unknown, AgentCheck.Unknown), (first, second));
        _connector.Verify(c => c.GetConversationMemberAsync(ServiceUrl, HelpdeskTeam, AgentId, It.IsAny<CancellationToken>()), Times.Exactly(2));
    }

    [Fact]
    public async Task CheckAsync_CallerCancels_Throws()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        _connector.Setup(c => c.GetConversationMemberAsync(ServiceUrl, HelpdeskTeam, AgentId, It.IsAny<CancellationToken>()))
            .ThrowsAsync(new TaskCanceledException("cancelled", null, cancelled.Token));
        var agents = Create(new EscalationOptions { HelpdeskChannelId = HelpdeskChannel, HelpdeskTeamId = HelpdeskTeam });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => agents.CheckAsync(From(AgentId), cancelled.Token));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task CheckAsync_AskedAgain_AnswerCachedUntilTheDurationPasses(bool isMember)
    {
        Member(HelpdeskTeam, AgentId, isMember);
        var agents = Create(new EscalationOptions { HelpdeskChannelId = HelpdeskChannel, HelpdeskTeamId = HelpdeskTeam, AgentCheckCacheDuration = TimeSpan.FromMinutes(5) });
        var expected = isMember ? AgentCheck.Agent : AgentCheck.NotAgent;

        var checks = new List<AgentCheck> { await agents.CheckAsync(From(AgentId)) };
        _time.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(1));
        checks.Add(await agents.CheckAsync(From(AgentId)));
        var callsWithinTheDuration = Calls(HelpdeskTeam, AgentId);
        _time.Advance(TimeSpan.FromSeconds(1));
        checks.Add(await agents.CheckAsync(From(AgentId)));

        Assert.Equal([expected, expected, expected], checks);
        Assert.Equal((1, 2), (callsWithinTheDuration, Calls(HelpdeskTeam, AgentId)));
    }

    [Fact]
    public async Task CheckAsync_AnotherUser_NotAnsweredFromTheFirstUsersCache()
    {
        Member(HelpdeskTeam, AgentId, isMember: true);
        Member(HelpdeskTeam, "29:stranger", isMember: false);
        var agents = Create(new EscalationOptions { HelpdeskChannelId = HelpdeskChannel, HelpdeskTeamId = HelpdeskTeam });

        Assert.Equal(AgentCheck.Agent, await agents.CheckAsync(From(AgentId)));
        Assert.Equal(AgentCheck.NotAgent, await agents.CheckAsync(From("29:stranger")));
    }

    [Fact]
    public async Task CheckAsync_TeamRecordedAtInstall_AsksAboutItNeverAboutTheActivitysOwnTeam()
    {
        await _storage.WriteAsync(new Dictionary<string, object> { [InstalledTeam.Key(HelpdeskChannel)] = new InstalledTeam { TeamId = HelpdeskTeam } });
        Member(HelpdeskTeam, "29:outsider", isMember: false);
        var agents = Create(new EscalationOptions { HelpdeskChannelId = HelpdeskChannel });
        // Pressed in another team the bot is in, whose member the outsider is, naming that team in channelData.
        var forged = From("29:outsider");
        forged.ChannelData = JsonSerializer.SerializeToElement(new { team = new { id = "19:outsiders-own-team@thread.tacv2" }, channel = new { id = HelpdeskChannel } });
        _connector.Setup(c => c.GetConversationMemberAsync(It.IsAny<string>(), "19:outsiders-own-team@thread.tacv2", "29:outsider", It.IsAny<CancellationToken>()))
            .ReturnsAsync(new ChannelAccount("29:outsider"));

        var check = await agents.CheckAsync(forged);

        Assert.Equal(AgentCheck.NotAgent, check);
        _connector.Verify(c => c.GetConversationMemberAsync(ServiceUrl, HelpdeskTeam, "29:outsider", It.IsAny<CancellationToken>()), Times.Once);
        _connector.Verify(c => c.GetConversationMemberAsync(It.IsAny<string>(), "19:outsiders-own-team@thread.tacv2", It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task CheckAsync_NoTeamConfiguredOrRecorded_AsksAboutTheChannelsId()
    {
        Member(HelpdeskChannel, AgentId, isMember: true);
        var agents = Create(new EscalationOptions { HelpdeskChannelId = HelpdeskChannel });

        Assert.Equal(AgentCheck.Agent, await agents.CheckAsync(From(AgentId)));
        Assert.Equal(1, Calls(HelpdeskChannel, AgentId));
    }

    [Fact]
    public async Task CheckAsync_NoHelpdeskConfigured_NobodyIsAgentAndTeamsIsNotAsked()
    {
        var agents = Create(new EscalationOptions { AgentAadObjectIds = ["aad-megan"] });
        var forged = From(AgentId, aad: "aad-someone");
        forged.ChannelData = JsonSerializer.SerializeToElement(new { team = new { id = "19:any-team@thread.tacv2" } });

        Assert.Equal(AgentCheck.NotAgent, await agents.CheckAsync(forged));
        _connector.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task CheckAsync_NoSender_NotAgent()
    {
        var agents = Create(new EscalationOptions { HelpdeskChannelId = HelpdeskChannel, HelpdeskTeamId = HelpdeskTeam });
        var activity = From(AgentId);
        activity.From = null;

        Assert.Equal(AgentCheck.NotAgent, await agents.CheckAsync(activity));
        _connector.VerifyNoOtherCalls();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task CheckAsync_RecordedTeamOrNone_ReadFromStorageOnceUntilTheDurationPasses(bool recorded)
    {
        if (recorded)
        {
            await RecordTeamAsync(HelpdeskTeam);
        }

        var team = recorded ? HelpdeskTeam : HelpdeskChannel;
        Member(team, AgentId, isMember: true);
        Member(team, "29:stranger", isMember: false);
        var storage = new CountingStorage(_storage);
        var agents = Create(new EscalationOptions { HelpdeskChannelId = HelpdeskChannel, AgentCheckCacheDuration = TimeSpan.FromMinutes(5) }, storage);

        // Two users (each asked of Teams), then the first again near the end of the duration: one read of the team.
        var checks = new List<AgentCheck> { await agents.CheckAsync(From(AgentId)), await agents.CheckAsync(From("29:stranger")) };
        _time.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(1));
        checks.Add(await agents.CheckAsync(From(AgentId)));
        var readsWithinTheDuration = storage.Reads(InstalledTeam.Key(HelpdeskChannel));
        _time.Advance(TimeSpan.FromSeconds(1));
        checks.Add(await agents.CheckAsync(From(AgentId)));

        Assert.Equal([AgentCheck.Agent, AgentCheck.NotAgent, AgentCheck.Agent, AgentCheck.Agent], checks);
        Assert.Equal((1, 2), (readsWithinTheDuration, storage.Reads(InstalledTeam.Key(HelpdeskChannel))));
        Assert.Equal(2, Calls(team, AgentId));
    }

    [Fact]
    public async Task TeamRecorded_AfterACheckFoundNone_TheNextCheckAsksAboutTheNewTeamWithoutReadingIt()
    {
        Member(HelpdeskChannel, AgentId, isMember: false);
        Member(HelpdeskTeam, AgentId, isMember: true);
        var storage = new CountingStorage(_storage);
        var agents = Create(new EscalationOptions { HelpdeskChannelId = HelpdeskChannel, AgentCheckCacheDuration = TimeSpan.FromMinutes(5) }, storage);
        var before = await agents.CheckAsync(From(AgentId));

        // The bot is installed in the helpdesk channel: the handler records the team, then tells the agents.
        await RecordTeamAsync(HelpdeskTeam);
        agents.TeamRecorded(HelpdeskChannel, HelpdeskTeam);
        _time.Advance(TimeSpan.FromMinutes(1));
        var after = await agents.CheckAsync(From(AgentId));

        Assert.Equal((AgentCheck.NotAgent, AgentCheck.Agent), (before, after));
        Assert.Equal(1, storage.Reads(InstalledTeam.Key(HelpdeskChannel)));
        Assert.Equal((1, 1), (Calls(HelpdeskChannel, AgentId), Calls(HelpdeskTeam, AgentId)));
    }

    [Fact]
    public async Task TeamRecorded_Uninstalled_TheNextCheckAsksAboutTheChannelsIdAgain()
    {
        await RecordTeamAsync(HelpdeskTeam);
        Member(HelpdeskTeam, AgentId, isMember: true);
        Member(HelpdeskChannel, AgentId, isMember: false);
        var agents = Create(new EscalationOptions { HelpdeskChannelId = HelpdeskChannel });
        var before = await agents.CheckAsync(From(AgentId));

        await _storage.DeleteAsync([InstalledTeam.Key(HelpdeskChannel)]);
        agents.TeamRecorded(HelpdeskChannel, null);
        var after = await agents.CheckAsync(From(AgentId));

        Assert.Equal((AgentCheck.Agent, AgentCheck.NotAgent), (before, after));
        Assert.Equal(1, Calls(HelpdeskChannel, AgentId));
    }

    [Fact]
    public async Task TeamRecorded_ForAnotherChannel_TheHelpdeskTeamStaysCached()
    {
        await RecordTeamAsync(HelpdeskTeam);
        Member(HelpdeskTeam, AgentId, isMember: true);
        var storage = new CountingStorage(_storage);
        var agents = Create(new EscalationOptions { HelpdeskChannelId = HelpdeskChannel }, storage);

        var before = await agents.CheckAsync(From(AgentId));
        agents.TeamRecorded("19:another-channel@thread.tacv2", "19:another-team@thread.tacv2");
        var after = await agents.CheckAsync(From(AgentId));

        Assert.Equal((AgentCheck.Agent, AgentCheck.Agent), (before, after));
        Assert.Equal(1, storage.Reads(InstalledTeam.Key(HelpdeskChannel)));
    }

    [Fact]
    public async Task TeamRecorded_WhileACheckReadsTheOldRecord_WhatThatReadFoundIsNotCached()
    {
        Member(HelpdeskChannel, AgentId, isMember: false);
        Member(HelpdeskTeam, AgentId, isMember: true);
        var storage = new CountingStorage(_storage) { HoldReads = new TaskCompletionSource() };
        var agents = Create(new EscalationOptions { HelpdeskChannelId = HelpdeskChannel }, storage);

        // This check has read "no team recorded" and is held before it uses it; meanwhile the install records one.
        var reading = agents.CheckAsync(From(AgentId));
        Assert.Equal(1, storage.Reads(InstalledTeam.Key(HelpdeskChannel)));
        await RecordTeamAsync(HelpdeskTeam);
        agents.TeamRecorded(HelpdeskChannel, HelpdeskTeam);
        storage.HoldReads.SetResult();
        var during = await reading;
        var after = await agents.CheckAsync(From(AgentId));

        Assert.Equal((AgentCheck.NotAgent, AgentCheck.Agent), (during, after));
        Assert.Equal(1, storage.Reads(InstalledTeam.Key(HelpdeskChannel)));
    }

    private HelpdeskAgents Create(EscalationOptions options, IStorage? storage = null) =>
        new(_connector.Object, storage ?? _storage, Options.Create(options), _time, NullLogger<HelpdeskAgents>.Instance);

    private Task RecordTeamAsync(string team) =>
        _storage.WriteAsync(new Dictionary<string, object> { [InstalledTeam.Key(HelpdeskChannel)] = new InstalledTeam { TeamId = team } });

    private void Member(string team, string user, bool isMember) =>
        _connector.Setup(c => c.GetConversationMemberAsync(It.IsAny<string>(), team, user, It.IsAny<CancellationToken>()))
            .ReturnsAsync(isMember ? new ChannelAccount(user, "Megan Bowen") : null);

    private int Calls(string team, string user) =>
        _connector.Invocations.Count(i => i.Method.Name == nameof(IConnectorClient.GetConversationMemberAsync) && Equals(i.Arguments[1], team) && Equals(i.Arguments[2], user));

    private static Activity From(string userId, string? aad = null) => new()
    {
        Type = ActivityTypes.Invoke,
        Name = "adaptiveCard/action",
        ChannelId = "msteams",
        ServiceUrl = ServiceUrl,
        From = new ChannelAccount(userId, "Megan Bowen") { AadObjectId = aad },
        Conversation = new ConversationAccount(HelpdeskChannel + ";messageid=1", isGroup: true),
    };

    /// <summary>Counts the reads of each key; with <see cref="HoldReads"/>, a read returns what it found only once that completes.</summary>
    private sealed class CountingStorage(IStorage inner) : IStorage
    {
        private readonly ConcurrentDictionary<string, int> _reads = new();

        public TaskCompletionSource? HoldReads { get; init; }

        public int Reads(string key) => _reads.GetValueOrDefault(key);

        public async Task<IDictionary<string, object>> ReadAsync(string[] keys, CancellationToken cancellationToken = default)
        {
            foreach (var key in keys)
            {
                _reads.AddOrUpdate(key, 1, (_, n) => n + 1);
            }

            var found = await inner.ReadAsync(keys, cancellationToken);
            if (HoldReads is { } hold)
            {
                await hold.Task;
            }

            return found;
        }

        public Task WriteAsync(IDictionary<string, object> changes, CancellationToken cancellationToken = default) => inner.WriteAsync(changes, cancellationToken);

        public Task DeleteAsync(string[] keys, CancellationToken cancellationToken = default) => inner.DeleteAsync(keys, cancellationToken);
    }
}
