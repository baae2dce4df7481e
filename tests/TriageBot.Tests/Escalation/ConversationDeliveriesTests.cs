using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using TriageBot.Cards;
using TriageBot.Escalation;
using TriageBot.Protocol.Builder;
using TriageBot.Protocol.Connector;
using TriageBot.Protocol.Schema;
using TriageBot.Tests.Dialogs;

namespace TriageBot.Tests.Escalation;

/// <summary>
/// The deliveries to conversations: the requester hears of the helpdesk's actions in their own chat and language,
/// the ticket's thread in the helpdesk channel gets the user's answers.
/// </summary>
public sealed class ConversationDeliveriesTests
{
    private const string HelpdeskServiceUrl = "https://smba.trafficmanager.net/amer/";
    private const string ThreadId = "19:helpdesk@thread.tacv2;messageid=1700000009001";
    private static readonly TicketPerson Agent = new("29:agent", "Megan Bowen", "aad-megan");

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
    private readonly MemoryStorage _storage = new();
    private readonly RecordingConnector _connector = new();

    [Fact]
    public async Task Requester_Assigned_SentToTheStoredConversationInTheTicketsLanguage()
    {
        var (instance, requester, _) = Create();
        await instance.Tickets.CreateAsync(InLanguage("de-de"), "k");
        var ticket = await instance.Tickets.UpdateAsync("TB-1001", t => t.Assign(Agent, _time.GetUtcNow()));

        await requester.DeliverAsync(ticket!, Item(ticket!, Outbox.RequesterChannel, 1), CancellationToken.None);

        var (serviceUrl, conversationId, activity) = Assert.Single(_connector.Sent);
        Assert.Equal(("https://smba.trafficmanager.net/emea/", "a:personal-chat"), (serviceUrl, conversationId));
        Assert.Equal("**Megan Bowen** vom Helpdesk bearbeitet jetzt Ihr Ticket **TB-1001**.", activity.Text);
        Assert.Equal(("markdown", "a:personal-chat", "28:bot", "29:user-1"), (activity.TextFormat, activity.Conversation?.Id, activity.From?.Id, activity.Recipient?.Id));
    }

    [Fact]
    public async Task Requester_Resolved_ToldWhoResolvedItAndTheNoteInTheirLanguage()
    {
        var (instance, requester, _) = Create();
        await instance.Tickets.CreateAsync(InLanguage("zh-cn"), "k");
        var ticket = await instance.Tickets.UpdateAsync("TB-1001", t => t.Resolve(Agent, "许可证已重新分配。", _time.GetUtcNow()));

        await requester.DeliverAsync(ticket!, Item(ticket!, Outbox.RequesterChannel, 1), CancellationToken.None);

        Assert.StartsWith("您的工单 **TB-1001** 已由 **Megan Bowen** 解决：许可证已重新分配。", Assert.Single(_connector.Sent).Activity.Text);
    }

    [Fact]
    public async Task Requester_AskedUser_GetsTheQuestionCardToAnswerInTheirLanguage()
    {
        var (instance, requester, _) = Create();
        await instance.Tickets.CreateAsync(InLanguage("de-de"), "k");
        var ticket = await instance.Tickets.UpdateAsync("TB-1001", t => t.AskUser(Agent, "Welche Version?", _time.GetUtcNow()));

        await requester.DeliverAsync(ticket!, Item(ticket!, Outbox.RequesterChannel, 1), CancellationToken.None);

        var (_, conversationId, activity) = Assert.Single(_connector.Sent);
        Assert.Equal("a:personal-chat", conversationId);
        var said = TriageBotFactory.Said(activity);
        Assert.Contains("Der Helpdesk (**Megan Bowen**) hat eine Frage zu Ihrem Ticket **TB-1001**:", said);
        Assert.Contains("Welche Version?", said);
        Assert.Contains("[Antwort senden]", said);
        Assert.Equal("TB-1001", TriageBotFactory.Button(activity, "Antwort senden").GetProperty(TicketVerbs.ReplyKey).GetString());
        var card = JsonSerializer.SerializeToElement(activity.Attachments![0].Content);
        Assert.Contains(card.GetProperty("body").EnumerateArray(), e => e.GetProperty("type").GetString() == "Input.Text" && e.GetProperty("id").GetString() == "answer");
        Assert.Contains("Welche Version?", activity.Summary);
    }

    [Fact]
    public async Task Requester_EventTheUserIsNotToldAbout_NothingSent()
    {
        var (instance, requester, _) = Create();
        var ticket = await instance.Tickets.CreateAsync(Requests.Sample(), "k");

        await requester.DeliverAsync(ticket, Item(ticket, Outbox.RequesterChannel, 0), CancellationToken.None);

        Assert.Empty(_connector.Sent);
    }

    [Theory]
    [InlineData("no reference")]
    [InlineData("no serviceUrl")]
    [InlineData("no conversation id")]
    public async Task Requester_NoWayToReachTheUser_NothingSentAndNoThrow(string missing)
    {
        var (instance, requester, _) = Create();
        var request = Requests.Sample();
        switch (missing)
        {
            case "no reference":
                request.Requester.Conversation = null;
                break;
            case "no serviceUrl":
                request.Requester.Conversation!.ServiceUrl = null;
                break;
            default:
                request.Requester.Conversation!.Conversation = new ConversationAccount(null);
                break;
        }

        await instance.Tickets.CreateAsync(request, "k");
        var ticket = await instance.Tickets.UpdateAsync("TB-1001", t => t.Assign(Agent, _time.GetUtcNow()));

        await requester.DeliverAsync(ticket!, Item(ticket!, Outbox.RequesterChannel, 1), CancellationToken.None);

        Assert.Empty(_connector.Sent);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(-1)]
    [InlineData(7)]
    public async Task Requester_ItemWithoutAnEventOfTheTicket_Throws(int? index)
    {
        var (instance, requester, _) = Create();
        var ticket = await instance.Tickets.CreateAsync(Requests.Sample(), "k");

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            requester.DeliverAsync(ticket, new OutboxItem { Id = "x", TicketId = ticket.Id, Channel = Outbox.RequesterChannel, EventIndex = index }, CancellationToken.None));
        Assert.Empty(_connector.Sent);
    }

    [Fact]
    public async Task Thread_NotPostedYet_ThrowsSoTheOutboxRetries()
    {
        var (instance, _, thread) = Create();
        await instance.Tickets.CreateAsync(Requests.Sample(), "k");
        await instance.Tickets.UpdateAsync("TB-1001", t => t.AskUser(Agent, "Since when?", _time.GetUtcNow()));
        var ticket = await instance.Tickets.UpdateAsync("TB-1001", t => t.RecordUserAnswer("since Monday", _time.GetUtcNow()));

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => thread.DeliverAsync(ticket!, Item(ticket!, Outbox.ThreadChannel, 2), CancellationToken.None));

        Assert.Contains("TB-1001", ex.Message);
        Assert.Empty(_connector.Sent);
    }

    [Theory]
    [InlineData("en-us", "**Alex Wilber** answered the question on TB-1001: since Monday")]
    [InlineData("de-de", "**Alex Wilber** hat die Frage zu TB-1001 beantwortet: since Monday")]
    public async Task Thread_Posted_AnswerRepliedUnderTheTicketCardInTheHelpdeskLanguage(string helpdeskLocale, string expected)
    {
        var (instance, _, thread) = Create(new EscalationOptions { HelpdeskLocale = helpdeskLocale });
        await instance.Tickets.CreateAsync(InLanguage("zh-cn"), "k");
        await instance.Tickets.UpdateAsync("TB-1001", t => t.ChannelPost = new ChannelPost(HelpdeskServiceUrl, ThreadId, "1700000009001"));
        await instance.Tickets.UpdateAsync("TB-1001", t => t.AskUser(Agent, "Since when?", _time.GetUtcNow()));
        var ticket = await instance.Tickets.UpdateAsync("TB-1001", t => t.RecordUserAnswer("since Monday", _time.GetUtcNow()));

        await thread.DeliverAsync(ticket!, Item(ticket!, Outbox.ThreadChannel, 2), CancellationToken.None);

        var (serviceUrl, conversationId, activity) = Assert.Single(_connector.Sent);
        Assert.Equal((HelpdeskServiceUrl, ThreadId), (serviceUrl, conversationId));
        Assert.Equal((expected, "markdown"), (activity.Text, activity.TextFormat));
        Assert.Contains("TB-1001", activity.Summary);
    }

    [Fact]
    public async Task Dispatcher_RequesterDeliveryFailsWith500And429_DeliveredOnceWhenTheConnectorRecovers()
    {
        var (instance, _, _) = Create();
        _connector.FailWith(HttpStatusCode.InternalServerError, HttpStatusCode.TooManyRequests);
        await instance.Tickets.CreateAsync(Requests.Sample(), "k");
        await instance.Tickets.UpdateAsync("TB-1001", t => t.Assign(Agent, _time.GetUtcNow()));

        Assert.Equal(1, await instance.DrainAsync(_time));

        Assert.Equal(3, _connector.Calls);
        var (_, conversationId, activity) = Assert.Single(_connector.Sent);
        Assert.Equal(("a:personal-chat", "**Megan Bowen** from the helpdesk is now working on your ticket **TB-1001**."), (conversationId, activity.Text));
        var item = StoredItems.Get<OutboxItem>(await _storage.ReadAsync([StoredItems.Delivery("TB-1001/requester/1")]), StoredItems.Delivery("TB-1001/requester/1"))!;
        Assert.Equal(3, item.Attempts);
        Assert.NotNull(item.DeliveredAt);
    }

    [Fact]
    public async Task Dispatcher_AnswerBeforeTheCardIsPosted_RetriedUntilPostedThenRepliedOnce()
    {
        var (instance, _, _) = Create();
        await instance.Tickets.CreateAsync(Requests.Sample(), "k");
        await instance.Tickets.UpdateAsync("TB-1001", t => t.AskUser(Agent, "Since when?", _time.GetUtcNow()));
        await instance.Tickets.UpdateAsync("TB-1001", t => t.RecordUserAnswer("since Monday", _time.GetUtcNow()));

        // The question reaches the user; the answer waits for the ticket's card in the channel.
        Assert.Equal(1, await instance.Dispatcher.DispatchOnceAsync());
        var waiting = Assert.Single(await instance.Outbox.ListPendingAsync());
        Assert.Equal(("TB-1001/thread/2", 1), (waiting.Id, waiting.Attempts));
        Assert.Contains("not posted in the helpdesk channel yet", waiting.LastError);
        await instance.Tickets.UpdateAsync("TB-1001", t => t.ChannelPost = new ChannelPost(HelpdeskServiceUrl, ThreadId, "1700000009001"));

        Assert.Equal(1, await instance.DrainAsync(_time));

        Assert.Equal(
            [("a:personal-chat", (string?)null), (ThreadId, "**Alex Wilber** answered the question on TB-1001: since Monday")],
            _connector.Sent.Select(s => (s.ConversationId, s.Activity.Text)));
    }

    private (Instance Instance, RequesterDelivery Requester, ThreadDelivery Thread) Create(EscalationOptions? options = null)
    {
        var settings = Options.Create(options ?? new EscalationOptions());
        var cards = new HelpdeskCards(TriageBotFactory.Texts, settings);
        var requester = new RequesterDelivery(_connector, cards, TriageBotFactory.Texts, NullLogger<RequesterDelivery>.Instance);
        var thread = new ThreadDelivery(_connector, cards, TriageBotFactory.Texts, settings);
        return (Instance.Create(_storage, _time, requester, thread), requester, thread);
    }

    private static TicketRequest InLanguage(string language)
    {
        var request = Requests.Sample();
        request.Language = language;
        return request;
    }

    private static OutboxItem Item(Ticket ticket, string channel, int index) =>
        new() { Id = $"{ticket.Id}/{channel}/{index}", TicketId = ticket.Id, Channel = channel, EventIndex = index };

    /// <summary>Records what is sent to conversations; fails as scripted first.</summary>
    private sealed class RecordingConnector : IConnectorClient
    {
        private readonly Queue<Exception> _failures = new();

        public List<(string ServiceUrl, string ConversationId, Activity Activity)> Sent { get; } = [];

        public int Calls { get; private set; }

        public void FailWith(params HttpStatusCode[] statuses)
        {
            foreach (var status in statuses)
            {
                _failures.Enqueue(new HttpRequestException($"Connector POST failed with {(int)status}.", null, status));
            }
        }

        public Task<ResourceResponse> SendToConversationAsync(string serviceUrl, string conversationId, Activity activity, CancellationToken cancellationToken = default)
        {
            Calls++;
            if (_failures.TryDequeue(out var failure))
            {
                throw failure;
            }

            Sent.Add((serviceUrl, conversationId, activity));
            return Task.FromResult(new ResourceResponse($"sent-{Sent.Count}"));
        }

        public Task<ResourceResponse> ReplyToActivityAsync(string serviceUrl, string conversationId, string activityId, Activity activity, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<ResourceResponse> UpdateActivityAsync(string serviceUrl, string conversationId, string activityId, Activity activity, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task DeleteActivityAsync(string serviceUrl, string conversationId, string activityId, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<ConversationResourceResponse> CreateConversationAsync(string serviceUrl, ConversationParameters parameters, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<ChannelAccount?> GetConversationMemberAsync(string serviceUrl, string conversationId, string memberId, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    }
}
