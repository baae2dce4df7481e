using System.Diagnostics;
using TriageBot.EndToEnd.EchoBot;
using TriageBot.EndToEnd.Harness;
using Xunit.Abstractions;

namespace TriageBot.EndToEnd;

/// <summary>Proves the harness against the in-process echo bot: a fresh bot and Playground per test.</summary>
public sealed class PlaygroundEchoBotTests(ITestOutputHelper output) : PlaygroundTestBase(output)
{
    public override Task InitializeAsync() => StartEchoBotAsync();

    [Fact]
    public async Task SendUserMessage_PersonalChat_EchoReplyReachesConnector()
    {
        var conversationId = await Playground.InstallPersonalAsync();

        var turn = await Playground.SendUserMessageAsync(conversationId, "hello");
        var reply = await Playground.WaitForBotActivityAsync(a => a.ReplyToId == turn.ActivityId);

        Assert.Equal(200, turn.BotStatusCode);
        Assert.Equal("msteams", turn.Activity?.Str("channelId"));
        Assert.Equal(Playground.ServiceUrl.ToString(), turn.Activity?.Str("serviceUrl"));
        Assert.Equal("message", reply.Type);
        Assert.Equal("echo: hello", reply.Text);
        Assert.Equal(201, reply.StatusCode);
        Assert.NotNull(reply.Id);
        Assert.Equal(conversationId, reply.ConversationId);
        Assert.Equal(Playground.Config.Bot.Id, reply.Activity.Str("from", "id"));
        Assert.Equal(Playground.Config.CurrentUser.Id, reply.Activity.Str("recipient", "id"));
        var shown = await Playground.WaitForConversationEventAsync(e => e.MessageId == reply.Id);
        Assert.Equal("createMessage", shown.Action);
    }

    [Fact]
    public async Task InstallPersonal_EchoBot_BothInstallActivitiesDelivered()
    {
        var conversationId = await Playground.InstallPersonalAsync();

        var deliveries = Playground.LogEntries.Where(e => e.Direction == PlaygroundLogDirection.ToBot && e.ConversationId == conversationId).ToList();
        var installation = Assert.Single(deliveries, e => e.ActivityName == "installationUpdate");
        var update = Assert.Single(deliveries, e => e.ActivityName == "conversationUpdate");
        Assert.Equal("add", installation.Request?.Str("action"));
        Assert.Equal("personal", installation.Request?.Str("conversation", "conversationType"));
        Assert.Contains(update.Request!.Value.GetProperty("membersAdded").EnumerateArray(), m => m.Str("id") == Playground.Config.Bot.Id);
    }

    [Fact]
    public async Task SubmitCard_ActionSubmitOnBotCard_BotGetsValueAndReplies()
    {
        var conversationId = await Playground.InstallPersonalAsync();
        var cardTurn = await Playground.SendUserMessageAsync(conversationId, "card");
        var card = await Playground.WaitForBotActivityAsync(a => a.ReplyToId == cardTurn.ActivityId);
        Assert.Equal(EchoBotApp.AdaptiveCardContentType, card.Attachments?[0].Str("contentType"));

        var submit = await Playground.SubmitCardAsync(conversationId, card.Id!, new { action = "approve", notes = "printer jam" });
        var reply = await Playground.WaitForBotActivityAsync(a => a.ReplyToId == submit.ActivityId);

        Assert.Equal(card.Id, submit.Activity?.Str("replyToId"));
        Assert.Equal("approve", submit.Activity?.Str("value", "action"));
        Assert.Equal("""submitted: {"action":"approve","notes":"printer jam"}""", reply.Text);
    }

    [Fact]
    public async Task Invoke_AdaptiveCardAction_BotBodyComesBackThroughPlayground()
    {
        var conversationId = await Playground.InstallPersonalAsync();
        var cardTurn = await Playground.SendUserMessageAsync(conversationId, "card");
        var card = await Playground.WaitForBotActivityAsync(a => a.ReplyToId == cardTurn.ActivityId);

        var result = await Playground.InvokeAsync(
            "adaptiveCard/action",
            new { action = new { type = "Action.Execute", verb = "confirm", data = new { } }, trigger = "manual" },
            conversationId,
            replyToId: card.Id);

        Assert.Equal(200, result.StatusCode);
        Assert.Equal("application/vnd.microsoft.activity.message", result.Body?.Str("type"));
        Assert.Equal("executed confirm", result.Body?.Str("value"));
        Assert.Equal(200, result.BotStatusCode);
        Assert.Equal(200, result.BotBody?.GetProperty("statusCode").GetInt32());
        Assert.Equal(card.Id, result.BotExchange?.Request?.Str("replyToId"));
    }

    [Fact]
    public async Task Invoke_ComposeExtensionQuery_ResultComesBackThroughPlayground()
    {
        var conversationId = await Playground.InstallPersonalAsync();

        var result = await Playground.InvokeAsync(
            "composeExtension/query",
            new { commandId = "searchKnowledge", parameters = new[] { new { name = "query", value = "vpn" } }, queryOptions = new { skip = 0, count = 10 } },
            conversationId);

        Assert.Equal(200, result.StatusCode);
        Assert.Equal("result", result.Body?.Str("composeExtension", "type"));
        Assert.Equal("result for vpn", result.Body?.GetProperty("composeExtension").GetProperty("attachments")[0].Str("content", "title"));
        Assert.Equal("searchKnowledge", result.BotExchange?.Request?.Str("value", "commandId"));
    }

    [Fact]
    public async Task Invoke_NameTheBotDoesNotHandle_PlaygroundAnswers502WithBotStatus()
    {
        var conversationId = await Playground.InstallPersonalAsync();

        var result = await Playground.InvokeAsync("composeExtension/fetchTask", new { commandId = "create" }, conversationId);

        Assert.Equal(502, result.StatusCode);
        Assert.Equal(501, result.Body?.GetProperty("innerHttpError").GetProperty("statusCode").GetInt32());
        Assert.Equal(501, result.BotStatusCode);
    }

    [Fact]
    public async Task SendUserMessage_TeamChannelWithBotMention_ReplyLandsInThread()
    {
        var channelId = await Playground.InstallInTeamAsync();
        var mention = Playground.BotMention;

        var turn = await Playground.SendUserMessageAsync(channelId, $"{mention.Text} hello team", [mention]);
        var reply = await Playground.WaitForBotActivityAsync(a => a.ReplyToId == turn.ActivityId);

        Assert.StartsWith($"{channelId};messageid=", turn.ConversationId, StringComparison.Ordinal);
        Assert.Equal("channel", turn.Activity?.Str("conversation", "conversationType"));
        Assert.Equal(channelId, turn.Activity?.Str("channelData", "team", "id"));
        Assert.Equal(turn.ConversationId, reply.ConversationId);
        Assert.Equal(201, reply.StatusCode);
        Assert.Equal($"echo: {mention.Text} hello team", reply.Text);
    }

    [Fact]
    public async Task SendUserMessage_TeamChannelWithoutMention_NotForwardedToBot()
    {
        var channelId = await Playground.InstallInTeamAsync();

        var turn = await Playground.SendUserMessageAsync(channelId, "just chatting");

        Assert.Null(turn.Delivery);
        Assert.DoesNotContain(Playground.LogEntries, e => e.Direction == PlaygroundLogDirection.ToBot && e.ActivityName == "message");
    }

    [Fact]
    public async Task DisposeAsync_RunningPlayground_ProcessAndPortAreGone()
    {
        var processId = Playground.ProcessId;
        var port = Playground.Port;

        await Playground.DisposeAsync();

        Assert.True(HasExited(processId));
        using var http = new HttpClient();
        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync($"http://127.0.0.1:{port}/_debug/ping"));
    }

    private static bool HasExited(int processId)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            return process.HasExited;
        }
        catch (ArgumentException)
        {
            return true;
        }
    }
}
