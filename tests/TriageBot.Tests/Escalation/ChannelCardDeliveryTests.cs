using System.Text.Json;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using TriageBot.Escalation;
using TriageBot.Protocol.Builder;
using TriageBot.Protocol.Connector;
using TriageBot.Protocol.Schema;

namespace TriageBot.Tests.Escalation;

public class ChannelCardDeliveryTests
{
    private const string HelpdeskChannel = "19:helpdesk@thread.tacv2";

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
    private readonly MemoryStorage _storage = new();
    private readonly FakeConnector _connector = new();

    [Fact]
    public async Task DeliverAsync_ConfiguredServiceUrl_PostsCardAsNewChannelThreadAndRecordsIt()
    {
        var (tickets, delivery) = Create(new EscalationOptions { HelpdeskChannelId = HelpdeskChannel, HelpdeskServiceUrl = "https://smba.trafficmanager.net/emea/" });
        var ticket = await tickets.CreateAsync(Requests.Sample(), "k");

        await delivery.DeliverAsync(ticket, CancellationToken.None);

        var (serviceUrl, parameters) = Assert.Single(_connector.Created);
        Assert.Equal("https://smba.trafficmanager.net/emea/", serviceUrl);
        Assert.True(parameters.IsGroup);
        Assert.Equal("tenant-1", parameters.TenantId);
        Assert.Equal(HelpdeskChannel, parameters.ChannelData!.Value.GetProperty("channel").GetProperty("id").GetString());
        var card = JsonSerializer.SerializeToElement(Assert.Single(parameters.Activity!.Attachments!).Content, ProtocolJson.Options);
        Assert.Contains("TB-1001", card.GetProperty("body")[0].GetProperty("text").GetString());
        Assert.Equal(
            new ChannelPost("https://smba.trafficmanager.net/emea/", $"{HelpdeskChannel};messageid=1", "1"),
            (await tickets.GetAsync("TB-1001"))!.ChannelPost);
    }

    [Fact]
    public async Task DeliverAsync_ReferenceStoredAtInstall_UsesItsServiceUrlTenantAndBot()
    {
        var (tickets, delivery) = Create(new EscalationOptions { HelpdeskChannelId = HelpdeskChannel });
        await _storage.WriteAsync(new Dictionary<string, object>
        {
            [$"references/{HelpdeskChannel}"] = new ConversationReference
            {
                ServiceUrl = "https://smba.trafficmanager.net/amer/",
                Conversation = new ConversationAccount(HelpdeskChannel) { TenantId = "helpdesk-tenant" },
                Bot = new ChannelAccount("28:bot", "TriageBot"),
            },
        });
        var ticket = await tickets.CreateAsync(Requests.Sample(), "k");

        await delivery.DeliverAsync(ticket, CancellationToken.None);

        var (serviceUrl, parameters) = Assert.Single(_connector.Created);
        Assert.Equal(("https://smba.trafficmanager.net/amer/", "helpdesk-tenant", "28:bot"), (serviceUrl, parameters.TenantId, parameters.Bot?.Id));
    }

    [Fact]
    public async Task DeliverAsync_NoServiceUrlAndNotInstalled_ThrowsSoTheOutboxRetries()
    {
        var (tickets, delivery) = Create(new EscalationOptions { HelpdeskChannelId = HelpdeskChannel });
        var ticket = await tickets.CreateAsync(Requests.Sample(), "k");

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => delivery.DeliverAsync(ticket, CancellationToken.None));

        Assert.Contains(HelpdeskChannel, ex.Message);
        Assert.Empty(_connector.Created);
    }

    [Fact]
    public async Task DeliverAsync_AlreadyPosted_UpdatesThatCardInsteadOfPostingAgain()
    {
        var (tickets, delivery) = Create(new EscalationOptions { HelpdeskChannelId = HelpdeskChannel, HelpdeskServiceUrl = "https://smba.trafficmanager.net/emea/" });
        await delivery.DeliverAsync(await tickets.CreateAsync(Requests.Sample(), "k"), CancellationToken.None);

        await delivery.DeliverAsync((await tickets.GetAsync("TB-1001"))!, CancellationToken.None);

        Assert.Single(_connector.Created);
        var (serviceUrl, conversationId, activityId) = Assert.Single(_connector.Updated);
        Assert.Equal(("https://smba.trafficmanager.net/emea/", $"{HelpdeskChannel};messageid=1", "1"), (serviceUrl, conversationId, activityId));
    }

    [Fact]
    public async Task DeliverAsync_ConnectorFails_Throws()
    {
        var (tickets, delivery) = Create(new EscalationOptions { HelpdeskChannelId = HelpdeskChannel, HelpdeskServiceUrl = "https://smba.trafficmanager.net/emea/" });
        _connector.Failure = new HttpRequestException("Connector POST failed with 429.", null, System.Net.HttpStatusCode.TooManyRequests);

        await Assert.ThrowsAsync<HttpRequestException>(async () => await delivery.DeliverAsync(await tickets.CreateAsync(Requests.Sample(), "k"), CancellationToken.None));

        Assert.Null((await tickets.GetAsync("TB-1001"))!.ChannelPost);
    }

    private (TicketStore Tickets, ChannelCardDelivery Delivery) Create(EscalationOptions options)
    {
        var tickets = new TicketStore(_storage, new Outbox(_storage, [ChannelCardDelivery.ChannelName]), _time);
        return (tickets, new ChannelCardDelivery(_connector, _storage, tickets, new TriageBot.Cards.HelpdeskCards(TriageBot.Dialogs.BotTexts.Load(TriageBot.Testing.RepositoryPaths.Dialogs), Options.Create(options)), Options.Create(options)));
    }

    private sealed class FakeConnector : IConnectorClient
    {
        private int _next;

        public List<(string ServiceUrl, ConversationParameters Parameters)> Created { get; } = [];

        public List<(string ServiceUrl, string ConversationId, string ActivityId)> Updated { get; } = [];

        public Exception? Failure { get; set; }

        public Task<ConversationResourceResponse> CreateConversationAsync(string serviceUrl, ConversationParameters parameters, CancellationToken cancellationToken = default)
        {
            if (Failure is not null)
            {
                throw Failure;
            }

            Created.Add((serviceUrl, parameters));
            var id = (++_next).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var channel = parameters.ChannelData!.Value.GetProperty("channel").GetProperty("id").GetString();
            return Task.FromResult(new ConversationResourceResponse { Id = $"{channel};messageid={id}", ActivityId = id });
        }

        public Task<ResourceResponse> UpdateActivityAsync(string serviceUrl, string conversationId, string activityId, Activity activity, CancellationToken cancellationToken = default)
        {
            Updated.Add((serviceUrl, conversationId, activityId));
            return Task.FromResult(new ResourceResponse(activityId));
        }

        public Task<ResourceResponse> ReplyToActivityAsync(string serviceUrl, string conversationId, string activityId, Activity activity, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<ResourceResponse> SendToConversationAsync(string serviceUrl, string conversationId, Activity activity, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task DeleteActivityAsync(string serviceUrl, string conversationId, string activityId, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<ChannelAccount?> GetConversationMemberAsync(string serviceUrl, string conversationId, string memberId, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    }
}
