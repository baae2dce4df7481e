using Microsoft.Playwright;
using TriageBot.EndToEnd.Harness;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace TriageBot.EndToEnd;

/// <summary>
/// The helpdesk agents' side of the real bot in the Microsoft 365 Agents Playground: the message extension's search and
/// message action through the Playground's invoke route, and an agent in the helpdesk channel (the Playground's team
/// channel, configured as <c>Escalation:HelpdeskChannelId</c>) getting the co-pilot card, whose "Next candidate" button
/// replaces it in place, also when clicked in the Playground's web UI. The Playground's current user is a member of its
/// team, which makes them an agent.
/// </summary>
public sealed class TriageBotPlaygroundCopilotTests(ITestOutputHelper output) : PlaygroundTestBase(output)
{
    private const string Paste = "Skype for Business says: Server is temporarily unavailable";
    public override Task InitializeAsync() => StartTriageBotAsync(new Dictionary<string, string?>
    {
        // The Playground's team's General channel is the helpdesk channel.
        ["Escalation__HelpdeskChannelId"] = "team-id",
    });

    [Fact]
    public async Task ComposeExtensionQuery_ThroughThePlaygroundInvokeRoute_ListsTheFixCardsAndPages()
    {
        var chat = await Playground.InstallPersonalAsync();

        var search = await Playground.InvokeAsync("composeExtension/query", Query(Paste, 0, 25), chat);

        Assert.Equal(200, search.StatusCode);
        Assert.Equal(200, search.BotStatusCode);
        var result = search.Body!.Value.Find("composeExtension")!.Value;
        Assert.Equal(("result", "list"), (result.Str("type"), result.Str("attachmentLayout")));
        var items = result.Find("attachments")!.Value.EnumerateArray().ToList();
        Assert.Equal(3, items.Count);
        Assert.All(items, item =>
        {
            Assert.Equal(AdaptiveCards.ContentType, item.Str("contentType"));
            Assert.Equal("1.5", item.Str("content", "version"));
            Assert.Equal("application/vnd.microsoft.card.thumbnail", item.Str("preview", "contentType"));
            Assert.Equal("Server is temporarily unavailable", item.Str("preview", "content", "title"));
        });
        Assert.Equal("Cause: If your organization has a custom domain, the necessary Domain Name System (DNS) settings may be missing or incorrect. · Fix: Update DNS settings",
            items[1].Str("preview", "content", "text"));

        // An empty search lists the documented errors, two at a time.
        var first = await Playground.InvokeAsync("composeExtension/query", Query("", 0, 2), chat);
        var second = await Playground.InvokeAsync("composeExtension/query", Query("", 2, 2), chat);
        var firstTitles = Previews(first);
        var secondTitles = Previews(second);
        Assert.Equal(2, firstTitles.Count);
        Assert.Equal(2, secondTitles.Count);
        Assert.Empty(firstTitles.Intersect(secondTitles));
    }

    [Fact]
    public async Task ComposeExtensionQuery_UnknownCommand_IsTheBots400_NotAFailure()
    {
        var chat = await Playground.InstallPersonalAsync();

        var search = await Playground.InvokeAsync("composeExtension/query", new { commandId = "searchEverything", parameters = Array.Empty<object>() }, chat);

        // The Playground reports a bot's non-2xx as 502 UserBotError; the bot's own answer is a 400 with the reason.
        Assert.Equal(400, search.BotStatusCode);
        Assert.Contains("unknown commandId 'searchEverything'", search.BotBody!.Value.Str("error", "message"));
    }

    [Fact]
    public async Task MessageAction_FetchTaskOnAnHtmlMessage_OpensTheCopilotCard()
    {
        var chat = await Playground.InstallPersonalAsync();

        var fetch = await Playground.InvokeAsync("composeExtension/fetchTask", new
        {
            commandId = "triageMessage",
            commandContext = "message",
            messagePayload = new
            {
                id = "1795499723960",
                body = new { contentType = "html", content = "<p>Since this morning:</p><p><b>Server is temporarily&nbsp;unavailable</b></p>" },
            },
        }, chat);

        Assert.Equal(200, fetch.StatusCode);
        var task = fetch.Body!.Value.Find("task")!.Value;
        Assert.Equal("continue", task.Str("type"));
        Assert.Equal("TriageBot co-pilot", task.Str("value", "title"));
        var card = task.Find("value", "card", "content")!.Value;
        Assert.Equal("Co-pilot: candidate 1 of 5", card.Find("body")!.Value[0].Str("text"));
        Assert.Contains("Since this morning:\\nServer is temporarily unavailable", card.GetRawText());
    }

    [Fact]
    public async Task HelpdeskChannel_AgentTypesTriage_GetsTheCopilotCard_AndNextCandidateReplacesIt()
    {
        var channel = await Playground.InstallInTeamAsync();
        var mention = Playground.BotMention;

        var turn = await Playground.SendUserMessageAsync(channel, $"{mention.Text} triage {Paste}", [mention]);
        var card = await Playground.WaitForBotActivityAsync(a => a.ReplyToId == turn.ActivityId && a.AdaptiveCard() is not null);

        Assert.Equal(200, turn.BotStatusCode);
        Assert.Equal(201, card.StatusCode);
        Assert.Equal(turn.ConversationId, card.ConversationId);
        var text = card.CardText();
        Assert.StartsWith("Co-pilot: candidate 1 of 5", text, StringComparison.Ordinal);
        Assert.Contains("1. Server is temporarily unavailable · ", text);
        Assert.Contains("1. Which Office 365 plan is your organization on?", text);
        Assert.Contains("Fix steps to send, for the most likely cause: No DNS record found, or Lync server isn't responding.", text);
        Assert.Contains("Documented causes not ruled out", text);
        // Not the end user's dialog: no answer buttons, one co-pilot button.
        var next = Assert.Single(card.SubmitActions());
        Assert.Equal("Next candidate", next.Title);

        var press = await Playground.SubmitCardAsync(turn.ConversationId, card.Id!, next.Data);
        var replaced = await Playground.WaitForBotActivityAsync(a => a.Sequence > card.Sequence && a.Id == card.Id);
        var shown = await Playground.WaitForConversationEventAsync(e => e.Action == "updateMessage" && e.MessageId == card.Id);

        Assert.Equal(200, press.BotStatusCode);
        Assert.StartsWith("Co-pilot: candidate 2 of 5", replaced.CardText(), StringComparison.Ordinal);
        Assert.Contains("Candidate 2: ", replaced.CardText());
        Assert.Contains("candidate 2 of 5", shown.Message!.Value.GetRawText());
    }

    [Fact]
    public async Task HelpdeskChannel_AgentMentionsTheBotWithAPaste_GetsTheCopilotCard()
    {
        var channel = await Playground.InstallInTeamAsync();
        var mention = Playground.BotMention;

        // No command word: in the helpdesk channel the bot asks Teams (the Playground's members API) who the sender is.
        var turn = await Playground.SendUserMessageAsync(channel, $"{mention.Text} {Paste}", [mention]);
        var card = await Playground.WaitForBotActivityAsync(a => a.ReplyToId == turn.ActivityId && a.AdaptiveCard() is not null);

        Assert.StartsWith("Co-pilot: candidate 1 of 5", card.CardText(), StringComparison.Ordinal);
        Assert.Contains(Playground.LogEntries, e => e.Direction == PlaygroundLogDirection.ToBot && e.ActivityName == "message" && e.ConversationId == turn.ConversationId && e.StatusCode == 200);
    }

    [Fact]
    public async Task HelpdeskChannel_AgentAsksForTickets_HearsThereAreNone()
    {
        var channel = await Playground.InstallInTeamAsync();
        var mention = Playground.BotMention;

        var turn = await Playground.SendUserMessageAsync(channel, $"{mention.Text} tickets", [mention]);
        var reply = await Playground.WaitForBotActivityAsync(a => a.ReplyToId == turn.ActivityId && a.Type == "message");

        Assert.Equal("There are no open tickets.", reply.Text);
    }

    /// <summary>
    /// As a person does it in the Playground's web UI (headless Chromium): type <c>triage ...</c> in the personal chat,
    /// see the co-pilot card rendered, click "Next candidate" and see the same card show candidate 2. Saves the rendered
    /// card as screenshots/copilot-card.png (and artifacts/screenshots/ when test.sh made that folder).
    /// </summary>
    [Fact]
    public async Task WebUi_TypeTriage_ClickNextCandidate_TheRenderedCardShowsCandidate2()
    {
        await using var chromium = await HeadlessChromium.LaunchAsync(TimeSpan.FromSeconds(60));
        var chat = Playground.Config.PersonalChat.Id;
        var page = await chromium.NewLoopbackPageAsync(TimeSpan.FromSeconds(20), Output.WriteLine);
        await page.SetViewportSizeAsync(1280, 2400);
        // Opening the UI installs the app in the personal chat; the welcome shows the page is connected.
        await page.GotoAsync(Playground.BaseAddress.ToString());
        await Playground.WaitForLogEntryAsync(e => e.Direction == PlaygroundLogDirection.ToBot && e.ActivityName == "installationUpdate" && e.ConversationId == chat);
        await Expect(page.Locator(".fai-OutputCard").GetByText(TriageBotRepository.BotWords("welcome").Split(". ")[0])).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Textbox).ClickAsync();
        await page.Keyboard.TypeAsync("triage " + Paste);
        await page.Keyboard.PressAsync("Enter");
        var cards = page.Locator(".ac-adaptiveCard");
        await Expect(cards).ToHaveCountAsync(1);
        var card = cards.First;
        await Expect(card.GetByText("Co-pilot: candidate 1 of 5")).ToBeVisibleAsync();
        await Expect(card.GetByText("Documented causes not ruled out")).ToBeVisibleAsync();
        SaveScreenshot("copilot-card.png", await card.ScreenshotAsync(new() { Animations = ScreenshotAnimations.Disabled }));

        await card.GetByRole(AriaRole.Button, new() { Name = "Next candidate", Exact = true }).ClickAsync();

        // The same card, replaced in place: still one card in the chat, now on candidate 2.
        await Expect(cards.First.GetByText("Co-pilot: candidate 2 of 5")).ToBeVisibleAsync();
        await Expect(cards).ToHaveCountAsync(1);
        var pressed = await Playground.WaitForLogEntryAsync(e => e.Direction == PlaygroundLogDirection.ToBot && e.ConversationId == chat && e.Request?.Str("value", "copilot") == "show");
        Assert.Equal(200, pressed.StatusCode);
    }

    private void SaveScreenshot(string name, byte[] png)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(folder);
        File.WriteAllBytes(Path.Combine(folder, name), png);
        Output.WriteLine($"[test] screenshot: {Path.Combine(folder, name)}");
        var artifacts = Path.Combine(TriageBotRepository.Root, "artifacts", "screenshots");
        if (Directory.Exists(artifacts))
        {
            File.WriteAllBytes(Path.Combine(artifacts, name), png);
        }
    }

    private static object Query(string text, int skip, int count) => new
    {
        commandId = "searchErrors",
        parameters = new[] { new { name = "errorText", value = text } },
        queryOptions = new { skip, count },
    };

    private static List<string> Previews(InvokeResult result) =>
        result.Body!.Value.Find("composeExtension", "attachments")!.Value.EnumerateArray()
            .Select(a => $"{a.Str("preview", "content", "title")} | {a.Str("preview", "content", "text")}").ToList();
}
