using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Moq;
using TriageBot.Cards;
using TriageBot.Escalation;
using TriageBot.Protocol.Builder;
using TriageBot.Protocol.Connector;
using TriageBot.Protocol.Schema;

namespace TriageBot.Tests.Escalation;

/// <summary>The agents' actions and the user's answer on their own (the transcripts cover them through the bot).</summary>
public sealed class TicketActionsTests
{
    private const string Team = "19:helpdesk@thread.tacv2";
    private const string AgentId = "29:agent";

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
    private readonly MemoryStorage _storage = new();
    private readonly Mock<IConnectorClient> _connector = new(MockBehavior.Strict);
    private readonly TicketStore _tickets;
    private readonly TicketActions _actions;

    public TicketActionsTests()
    {
        _connector.Setup(c => c.GetConversationMemberAsync(It.IsAny<string>(), Team, AgentId, It.IsAny<CancellationToken>())).ReturnsAsync(new ChannelAccount(AgentId));
        _tickets = new TicketStore(_storage, new Outbox(_storage, [Outbox.RequesterChannel]), _time);
        var agents = new HelpdeskAgents(_connector.Object, _storage, Options.Create(new EscalationOptions { HelpdeskTeamId = Team }), _time, NullLogger<HelpdeskAgents>.Instance);
        _actions = new TicketActions(_tickets, agents);
    }

    [Fact]
    public async Task Ask_UserWithoutAConversation_UnreachableAndNothingAsked()
    {
        var request = Requests.Sample();
        request.Requester.Conversation = null;
        await _tickets.CreateAsync(request, "k");

        var outcome = await _actions.ApplyAsync(Agent(), TicketVerbs.Ask, "TB-1001", "Since when?");

        Assert.Equal("helpdesk-user-unreachable", outcome.Error);
        Assert.Null((await _tickets.GetAsync("TB-1001"))!.PendingQuestion);
    }

    [Theory]
    [InlineData(TicketVerbs.Ask, null, "helpdesk-question-required")]
    [InlineData(TicketVerbs.Ask, " \n ", "helpdesk-question-required")]
    [InlineData(TicketVerbs.Resolve, "", "helpdesk-note-required")]
    public async Task TextRequired_Missing_Refused(string verb, string? text, string error)
    {
        await _tickets.CreateAsync(Requests.Sample(), "k");

        var outcome = await _actions.ApplyAsync(Agent(), verb, "TB-1001", text);

        Assert.Equal((error, TicketStatus.Open, 1), (outcome.Error, outcome.Ticket?.Status, (await _tickets.GetAsync("TB-1001"))!.History.Count));
    }

    [Fact]
    public async Task Resolve_NoteLongerThanKept_CutWithAnEllipsis()
    {
        await _tickets.CreateAsync(Requests.Sample(), "k");

        var outcome = await _actions.ApplyAsync(Agent(), TicketVerbs.Resolve, "TB-1001", "  " + new string('n', 3000) + "  ");

        Assert.True(outcome.Applied);
        Assert.Equal(new string('n', TicketActions.MaxText) + "…", (await _tickets.GetAsync("TB-1001"))!.History[^1].Text);
    }

    [Fact]
    public async Task Assign_AnotherAgentResolvedItMeanwhile_AlreadyResolvedAndNotReopened()
    {
        await _tickets.CreateAsync(Requests.Sample(), "k");
        // While Teams is asked whether this agent is one, another agent resolves the ticket.
        _connector.Setup(c => c.GetConversationMemberAsync(It.IsAny<string>(), Team, AgentId, It.IsAny<CancellationToken>()))
            .Returns(async () =>
            {
                await _tickets.UpdateAsync("TB-1001", t => t.Resolve(new TicketPerson("29:other-agent"), "fixed", _time.GetUtcNow()));
                return new ChannelAccount(AgentId);
            });

        var outcome = await _actions.ApplyAsync(Agent(), TicketVerbs.Assign, "TB-1001", null);

        Assert.Equal(("helpdesk-already-resolved", TicketStatus.Resolved), (outcome.Error, outcome.Ticket?.Status));
        var stored = (await _tickets.GetAsync("TB-1001"))!;
        Assert.Equal((TicketStatus.Resolved, (string?)null), (stored.Status, stored.Assignee?.Id));
        Assert.Equal([TicketEventKind.Created, TicketEventKind.Resolved], stored.History.Select(e => e.Kind));
    }

    [Fact]
    public async Task Refresh_NotAnAgent_GetsNothingOfTheTicket()
    {
        // Refresh only reads, but what it reads is personal data: agents only, like every other verb.
        await _tickets.CreateAsync(Requests.Sample(), "k");
        var before = System.Text.Json.JsonSerializer.Serialize(await _tickets.GetAsync("TB-1001"), ProtocolJson.Options);
        _connector.Setup(c => c.GetConversationMemberAsync(It.IsAny<string>(), It.IsAny<string>(), "29:someone", It.IsAny<CancellationToken>()))
            .ReturnsAsync((ChannelAccount?)null);

        var outcome = await _actions.ApplyAsync(Agent("29:someone"), TicketVerbs.Refresh, "TB-1001", null);

        Assert.Equal(((string?)null, "helpdesk-not-agent"), (outcome.Ticket?.Id, outcome.Error));
        Assert.Equal(before, System.Text.Json.JsonSerializer.Serialize(await _tickets.GetAsync("TB-1001"), ProtocolJson.Options));
    }

    [Fact]
    public async Task Answer_NoQuestionPending_Closed()
    {
        await _tickets.CreateAsync(Requests.Sample(), "k");
        var user = new Activity { From = new ChannelAccount("29:user-1"), Conversation = new ConversationAccount("a:personal-chat") };

        var byId = await _actions.AnswerAsync(user, "TB-1001", "hello");
        var typed = await _actions.AnswerAsync(user, null, "hello");

        Assert.Equal(("ticket-answer-closed", "TB-1001"), (byId.Error, byId.Ticket?.Id));
        Assert.Equal(("ticket-answer-closed", (string?)null), (typed.Error, typed.Ticket?.Id));
        Assert.Single((await _tickets.GetAsync("TB-1001"))!.History);
    }

    private static Activity Agent(string id = AgentId) => new()
    {
        Type = ActivityTypes.Invoke,
        ServiceUrl = "https://smba.trafficmanager.net/emea/",
        From = new ChannelAccount(id, "Megan Bowen"),
        Conversation = new ConversationAccount(Team + ";messageid=1", isGroup: true),
    };
}
