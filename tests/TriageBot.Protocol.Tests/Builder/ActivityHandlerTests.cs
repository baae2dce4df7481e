using System.Text.Json;
using TriageBot.Protocol.Builder;
using TriageBot.Protocol.Schema;
using TriageBot.Protocol.Tests.TestDoubles;

namespace TriageBot.Protocol.Tests.Builder;

public class ActivityHandlerTests
{
    [Fact]
    public async Task OnTurnAsync_MembersAddedIncludingBot_PassesOnlyOtherMembers()
    {
        var bot = new RecordingHandler();
        var activity = Inbound(ActivityTypes.ConversationUpdate);
        activity.MembersAdded = [new ChannelAccount("28:bot"), new ChannelAccount("29:new")];

        await bot.OnTurnAsync(new TurnContext(new RecordingAdapter(), activity));

        Assert.Equal(["membersAdded:29:new"], bot.Calls);
    }

    [Fact]
    public async Task OnTurnAsync_MembersAddedWithANullEntry_SkipsIt()
    {
        var bot = new RecordingHandler();
        var activity = JsonSerializer.Deserialize<Activity>("""{"type":"conversationUpdate","recipient":{"id":"28:bot"},"membersAdded":[null,{"id":"29:new"}]}""", ProtocolJson.Options)!;

        await bot.OnTurnAsync(new TurnContext(new RecordingAdapter(), activity));

        Assert.Equal(["membersAdded:29:new"], bot.Calls);
    }

    [Fact]
    public async Task OnTurnAsync_OnlyBotAdded_DoesNotCallMembersAdded()
    {
        var bot = new RecordingHandler();
        var activity = Inbound(ActivityTypes.ConversationUpdate);
        activity.MembersAdded = [new ChannelAccount("28:bot")];

        await bot.OnTurnAsync(new TurnContext(new RecordingAdapter(), activity));

        Assert.Empty(bot.Calls);
    }

    [Theory]
    [InlineData("add", "installAdd")]
    [InlineData("add-upgrade", "installAdd")]
    [InlineData("remove", "installRemove")]
    [InlineData("remove-upgrade", "installRemove")]
    public async Task OnTurnAsync_InstallationUpdate_DispatchesOnAction(string action, string expected)
    {
        var bot = new RecordingHandler();
        var activity = Inbound(ActivityTypes.InstallationUpdate);
        activity.Action = action;

        await bot.OnTurnAsync(new TurnContext(new RecordingAdapter(), activity));

        Assert.Equal([expected], bot.Calls);
    }

    [Fact]
    public async Task OnTurnAsync_UnhandledInvoke_SendsInvokeResponse501()
    {
        var adapter = new RecordingAdapter();
        var context = new TurnContext(adapter, Inbound(ActivityTypes.Invoke));

        await new ActivityHandler().OnTurnAsync(context);

        var sent = Assert.Single(adapter.Sent);
        Assert.Equal(ActivityTypes.InvokeResponse, sent.Type);
        Assert.Equal(501, sent.Value!.Value.Deserialize<InvokeResponse>(ProtocolJson.Options)!.Status);
    }

    [Fact]
    public async Task OnTurnAsync_UnknownType_CallsUnrecognized()
    {
        var bot = new RecordingHandler();

        await bot.OnTurnAsync(new TurnContext(new RecordingAdapter(), Inbound("somethingNew")));

        Assert.Equal(["unrecognized"], bot.Calls);
    }

    [Fact]
    public async Task SendActivityAsync_Reply_FillsRoutingAndClearsIdAndTimestamp()
    {
        var adapter = new RecordingAdapter();
        var context = new TurnContext(adapter, Inbound(ActivityTypes.Message));

        await context.SendActivityAsync(new Activity { Text = "hi", Id = "x", Timestamp = DateTimeOffset.UnixEpoch });

        var sent = Assert.Single(adapter.Sent);
        Assert.Equal((ActivityTypes.Message, "28:bot", "29:user", "conv", "in-1"), (sent.Type, sent.From!.Id, sent.Recipient!.Id, sent.Conversation!.Id, sent.ReplyToId));
        Assert.Equal(("https://smba.trafficmanager.net/emea/", "msteams"), (sent.ServiceUrl, sent.ChannelId));
        Assert.Null(sent.Id);
        Assert.Null(sent.Timestamp);
        Assert.True(context.Responded);
    }

    private static Activity Inbound(string type) => new()
    {
        Type = type,
        Id = "in-1",
        ChannelId = "msteams",
        ServiceUrl = "https://smba.trafficmanager.net/emea/",
        From = new ChannelAccount("29:user"),
        Recipient = new ChannelAccount("28:bot"),
        Conversation = new ConversationAccount("conv"),
    };

    private sealed class RecordingHandler : ActivityHandler
    {
        public List<string> Calls { get; } = [];

        protected override Task OnMembersAddedAsync(IList<ChannelAccount> membersAdded, ITurnContext turnContext, CancellationToken cancellationToken)
        {
            Calls.AddRange(membersAdded.Select(m => $"membersAdded:{m.Id}"));
            return Task.CompletedTask;
        }

        protected override Task OnInstallationUpdateAddAsync(ITurnContext turnContext, CancellationToken cancellationToken)
        {
            Calls.Add("installAdd");
            return Task.CompletedTask;
        }

        protected override Task OnInstallationUpdateRemoveAsync(ITurnContext turnContext, CancellationToken cancellationToken)
        {
            Calls.Add("installRemove");
            return Task.CompletedTask;
        }

        protected override Task OnUnrecognizedActivityTypeAsync(ITurnContext turnContext, CancellationToken cancellationToken)
        {
            Calls.Add("unrecognized");
            return Task.CompletedTask;
        }
    }
}
