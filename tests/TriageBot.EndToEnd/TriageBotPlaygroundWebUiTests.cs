using Microsoft.Playwright;
using TriageBot.EndToEnd.Harness;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace TriageBot.EndToEnd;

/// <summary>
/// The same triage as a person does it in the Playground's web UI (served on the Playground's port), in headless
/// Chromium: type the error, press the card buttons, look at the fix card. The test run saves screenshots of the
/// rendered fix card to bin/.../screenshots/ (and to artifacts/screenshots/ at the repository root when that folder
/// exists; test.sh creates it). The Playground's log stream confirms what each click delivered to the bot.
/// </summary>
public sealed class TriageBotPlaygroundWebUiTests(ITestOutputHelper output) : PlaygroundTestBase(output)
{
    private static readonly TimeSpan UiTimeout = TimeSpan.FromSeconds(20);
    private HeadlessChromium? _chromium;

    public static string ScreenshotDirectory => Path.Combine(AppContext.BaseDirectory, "screenshots");

    public override async Task InitializeAsync()
    {
        // xunit does not call DisposeAsync when InitializeAsync throws: stop whatever was started before rethrowing.
        try
        {
            // First, so that a machine without Chromium fails at once with the message that says how to install it.
            _chromium = await HeadlessChromium.LaunchAsync(TimeSpan.FromSeconds(60));
            Output.WriteLine($"[test] Chromium {_chromium.Version} ({HeadlessChromium.ExecutablePath})");
            await StartTriageBotAsync();
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    public override async Task DisposeAsync()
    {
        try
        {
            if (_chromium is not null)
            {
                await _chromium.DisposeAsync();
            }
        }
        finally
        {
            await base.DisposeAsync();
        }
    }

    [Fact]
    public async Task WebUi_PersonalChatTriageByClicks_FixCardRenderedAndScreenshotSaved()
    {
        var playground = Playground;
        var chat = playground.Config.PersonalChat.Id;
        var page = await _chromium!.NewLoopbackPageAsync(UiTimeout, Output.WriteLine);

        // Opening the UI installs the app in the personal chat (the page POSTs /_debug/conversation/{chat}/installation),
        // so the bot's welcome shows up in the chat view: proof that the page is connected before anything is typed.
        await page.GotoAsync(playground.BaseAddress.ToString());
        await playground.WaitForLogEntryAsync(e => e.Direction == PlaygroundLogDirection.ToBot && e.ActivityName == "installationUpdate" && e.ConversationId == chat);
        await page.GetByRole(AriaRole.Treeitem, new() { Name = "Personal Chat" }).ClickAsync();
        // The chat view shows each bot message in a ".fai-OutputCard" bubble (Playground 0.2.28), cards inside it.
        var botMessages = page.Locator(".fai-OutputCard");
        var welcome = TriageBotRepository.BotWords("welcome").Split(". ")[0];
        await Expect(botMessages.GetByText(welcome)).ToBeVisibleAsync();

        // The message box is a contenteditable textbox; Enter sends.
        await page.GetByRole(AriaRole.Textbox).ClickAsync();
        await page.Keyboard.TypeAsync(TriageWalkthrough.Paste);
        await page.Keyboard.PressAsync("Enter");
        var pasted = await playground.WaitForLogEntryAsync(e => e.Direction == PlaygroundLogDirection.ToBot && e.ActivityName == "message" && e.ConversationId == chat && e.Request?.Str("text") == TriageWalkthrough.Paste);
        var card = await playground.WaitForBotActivityAsync(a => a.ReplyToId == pasted.Request?.Str("id") && a.AdaptiveCard() is not null);

        var cards = page.Locator(".ac-adaptiveCard");
        var shown = 0;
        var asked = new List<string>();
        while (TriageWalkthrough.IsQuestion(card))
        {
            Assert.True(asked.Count < TriageWalkthrough.MaxQuestions, $"Still asking after {string.Join(", ", asked)}");
            var (question, button) = TriageWalkthrough.Choose(card);
            asked.Add(question);
            var rendered = await RenderedCardAsync(cards, ++shown);
            Output.WriteLine($"[test] {question}: clicking '{button.Title}' on card {card.Id}");

            await rendered.GetByRole(AriaRole.Button, new() { Name = button.Title, Exact = true }).ClickAsync();

            // The click posted the button's data with replyToId = this card's connector id.
            var submitted = await playground.WaitForLogEntryAsync(e => e.Direction == PlaygroundLogDirection.ToBot && e.ConversationId == chat && e.Request?.Str("replyToId") == card.Id);
            Assert.Equal(200, submitted.StatusCode);
            Assert.Equal(button.Data.GetRawText(), submitted.Request?.Find("value")?.GetRawText());
            card = await playground.WaitForBotActivityAsync(a => a.ReplyToId == submitted.Request?.Str("id") && a.AdaptiveCard() is not null);
        }

        Assert.Equal(TriageWalkthrough.Answers.Select(a => a.Question), asked);
        Assert.Contains(TriageWalkthrough.FixProcedure, card.CardText());
        var fixCard = await RenderedCardAsync(cards, ++shown);
        var fixedIt = fixCard.GetByRole(AriaRole.Button, new() { Name = TriageBotRepository.BotWords("button-fixed"), Exact = true });
        await Expect(fixedIt).ToBeVisibleAsync();
        await Expect(fixCard.GetByRole(AriaRole.Button, new() { Name = TriageBotRepository.BotWords("button-not-fixed"), Exact = true })).ToBeVisibleAsync();
        await Expect(fixCard.GetByRole(AriaRole.Button, new() { Name = TriageBotRepository.BotWords("button-helpdesk"), Exact = true })).ToBeVisibleAsync();
        await Expect(fixCard.GetByText(TriageWalkthrough.FixProcedure)).ToBeVisibleAsync();
        await Expect(fixCard.GetByText("Server is temporarily unavailable").First).ToBeVisibleAsync();

        await fixCard.ScrollIntoViewIfNeededAsync();
        var cardPng = await fixCard.ScreenshotAsync(new() { Animations = ScreenshotAnimations.Disabled });
        var pagePng = await page.ScreenshotAsync(new() { Animations = ScreenshotAnimations.Disabled });
        SaveScreenshot("triage-card.png", cardPng);
        SaveScreenshot("triage-playground.png", pagePng);
        Assert.True(cardPng.Length > 10_000, $"The card screenshot is suspiciously small ({cardPng.Length} bytes).");
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], cardPng[..4]);

        // "That fixed it" closes the conversation with the thanks text, shown in the chat.
        await fixedIt.ClickAsync();
        var outcome = await playground.WaitForLogEntryAsync(e => e.Direction == PlaygroundLogDirection.ToBot && e.ConversationId == chat && e.Request?.Str("replyToId") == card.Id);
        Assert.Equal("fixed", outcome.Request?.Str("value", "triage"));
        var thanks = await playground.WaitForBotActivityAsync(a => a.ReplyToId == outcome.Request?.Str("id") && a.Type == "message");
        Assert.Equal(TriageBotRepository.BotWords("fixed-thanks"), thanks.Text);
        await Expect(botMessages.GetByText(TriageBotRepository.BotWords("fixed-thanks"))).ToBeVisibleAsync();
    }

    /// <summary>The <paramref name="count"/>-th Adaptive Card of the chat view, once the page shows that many.</summary>
    private static async Task<ILocator> RenderedCardAsync(ILocator cards, int count)
    {
        await Expect(cards).ToHaveCountAsync(count);
        var card = cards.Nth(count - 1);
        await Expect(card).ToBeVisibleAsync();
        return card;
    }

    private void SaveScreenshot(string name, byte[] png)
    {
        Directory.CreateDirectory(ScreenshotDirectory);
        var path = Path.Combine(ScreenshotDirectory, name);
        File.WriteAllBytes(path, png);
        Output.WriteLine($"[test] screenshot: {path}");
        var artifacts = Path.Combine(TriageBotRepository.Root, "artifacts", "screenshots");
        if (Directory.Exists(artifacts))
        {
            File.WriteAllBytes(Path.Combine(artifacts, name), png);
            Output.WriteLine($"[test] screenshot: {Path.Combine(artifacts, name)}");
        }
    }
}
