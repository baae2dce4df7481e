using TriageBot.EndToEnd.Harness;
using Xunit.Abstractions;

namespace TriageBot.EndToEnd;

/// <summary>
/// The real bot (src/TriageBot, started as its own process with in-memory state and auth off)
/// talking to the Microsoft 365 Agents Playground, a Teams emulator nobody here wrote, driven through the
/// Playground's own HTTP API: the user types, and presses card buttons (Action.Submit) by their data.
/// </summary>
public sealed class TriageBotPlaygroundTests(ITestOutputHelper output) : PlaygroundTestBase(output)
{
    public override Task InitializeAsync() => StartTriageBotAsync();

    [Fact]
    public async Task PersonalChat_InstallThenPasteError_FirstReplyIsCardAskingThePlan()
    {
        var conversationId = await Playground.InstallPersonalAsync();
        var welcome = await Playground.WaitForBotActivityAsync(a => a.ConversationId == conversationId && (a.Text ?? "").Contains("TriageBot"));
        Assert.Equal(201, welcome.StatusCode);

        var turn = await Playground.SendUserMessageAsync(conversationId, "Hi, since this morning Lync says: Sign-in address not found");
        var reply = await Playground.WaitForBotActivityAsync(a => a.ReplyToId == turn.ActivityId && a.Type == "message");

        Assert.Equal(200, turn.BotStatusCode);
        Assert.Equal(201, reply.StatusCode);
        Assert.Equal(Playground.Config.Bot.Id, reply.Activity.Str("from", "id"));
        var card = reply.AdaptiveCard() ?? throw new Xunit.Sdk.XunitException($"The first reply is not an Adaptive Card: {reply}");
        Assert.Equal("AdaptiveCard", card.Str("type"));
        Assert.Equal("1.5", card.Str("version"));
        Assert.Contains("Sign-in address not found", reply.CardText());
        Assert.Contains("Office 365 plan", reply.CardText());
        var buttons = reply.SubmitActions();
        Assert.Equal(["Plan E (Enterprise)", "Plan P (Professional / small business)"], buttons.Select(b => b.Title));
        Assert.All(buttons, b => Assert.Equal(("answer", "plan"), (b.Kind(), b["question"])));
        Assert.Equal(["yes", "no"], buttons.Select(b => b["answer"]));
        // Clients without cards show the summary: it asks the same question.
        Assert.Contains("Office 365 plan", reply.Activity.Str("summary"));
    }

    [Fact]
    public async Task PersonalChat_FullTriageByButtons_FixCardThenThanks()
    {
        var conversationId = await Playground.InstallPersonalAsync();

        var turn = await Playground.SendUserMessageAsync(conversationId, TriageWalkthrough.Paste);
        var first = await Playground.WaitForBotActivityAsync(a => a.ReplyToId == turn.ActivityId && a.AdaptiveCard() is not null);
        var (asked, fixCard) = await AnswerQuestionsAsync(conversationId, first);

        Assert.Equal(TriageWalkthrough.Answers.Select(a => a.Question), asked);
        AssertFixCard(fixCard, conversationId);

        var fixedIt = fixCard.SubmitActions().Single(a => a.Kind() == "fixed");
        var outcome = await Playground.SubmitCardAsync(conversationId, fixCard.Id!, fixedIt.Data);
        var thanks = await Playground.WaitForBotActivityAsync(a => a.ReplyToId == outcome.ActivityId && a.Type == "message");

        Assert.Equal(200, outcome.BotStatusCode);
        Assert.Equal(fixCard.Id, outcome.Activity?.Str("replyToId"));
        Assert.Equal(TriageBotRepository.BotWords("fixed-thanks"), thanks.Text);
        Assert.Null(thanks.AdaptiveCard());
        Assert.Equal(201, thanks.StatusCode);
        Assert.Equal(conversationId, thanks.ConversationId);
    }

    [Fact]
    public async Task TeamChannel_MentionWithPastedError_TriageCardsLandInTheThread()
    {
        var channelId = await Playground.InstallInTeamAsync();
        var mention = Playground.BotMention;

        var turn = await Playground.SendUserMessageAsync(channelId, $"{mention.Text} {TriageWalkthrough.Paste}", [mention]);
        var first = await Playground.WaitForBotActivityAsync(a => a.ReplyToId == turn.ActivityId && a.AdaptiveCard() is not null);

        Assert.StartsWith($"{channelId};messageid=", turn.ConversationId, StringComparison.Ordinal);
        Assert.Equal(turn.ConversationId, first.ConversationId);
        Assert.Equal(201, first.StatusCode);
        Assert.Contains("Office 365 plan", first.CardText());
        Assert.All(first.SubmitActions(), b => Assert.Equal("plan", b["question"]));

        // The buttons work in the thread too: the answers go to the thread, and so does every card after them.
        var (asked, fixCard) = await AnswerQuestionsAsync(turn.ConversationId, first);
        Assert.Equal(TriageWalkthrough.Answers.Select(a => a.Question), asked);
        AssertFixCard(fixCard, turn.ConversationId);
    }

    [Fact]
    public async Task TeamChannel_MentionWithErrorThatNeedsNoQuestions_FixCardLandsInTheThread()
    {
        var channelId = await Playground.InstallInTeamAsync();

        var turn = await Playground.SendUserMessageAsync(channelId, $"{Playground.BotMention.Text} There was a problem verifying the certificate from the server.", [Playground.BotMention]);
        var reply = await Playground.WaitForBotActivityAsync(a => a.ReplyToId == turn.ActivityId && a.Type == "message");

        Assert.NotNull(reply.AdaptiveCard());
        Assert.Contains("There was a problem verifying the certificate from the server", reply.CardText());
        Assert.Equal(["fixed", "notFixed", "helpdesk"], reply.SubmitActions().Select(a => a.Kind()));
        Assert.StartsWith(channelId, reply.ConversationId);
        Assert.Equal(turn.ConversationId, reply.ConversationId);
    }

    /// <summary>Presses, on each question card, the walkthrough's answer (POST /_conversation/v1/submit with the
    /// button's data and replyToId = the card's connector id) until a card without questions comes back.</summary>
    private async Task<(List<string> Asked, BotActivity FixCard)> AnswerQuestionsAsync(string conversationId, BotActivity card)
    {
        var asked = new List<string>();
        while (TriageWalkthrough.IsQuestion(card))
        {
            Assert.True(asked.Count < TriageWalkthrough.MaxQuestions, $"Still asking after {string.Join(", ", asked)}");
            var (question, button) = TriageWalkthrough.Choose(card);
            asked.Add(question);
            Output.WriteLine($"[test] {question}: pressing '{button.Title}' on card {card.Id}");

            var submit = await Playground.SubmitCardAsync(conversationId, card.Id!, button.Data);

            Assert.Equal(200, submit.BotStatusCode);
            Assert.Equal(question, submit.Activity?.Str("value", "question"));
            card = await Playground.WaitForBotActivityAsync(a => a.ReplyToId == submit.ActivityId && a.AdaptiveCard() is not null);
            Assert.Equal(201, card.StatusCode);
            Assert.Equal(conversationId, card.ConversationId);
        }

        return (asked, card);
    }

    private static void AssertFixCard(BotActivity fixCard, string conversationId)
    {
        Assert.Equal(conversationId, fixCard.ConversationId);
        Assert.Contains("Server is temporarily unavailable", fixCard.CardText());
        Assert.Contains(TriageWalkthrough.FixProcedure, fixCard.CardText());
        Assert.Equal(
            [TriageBotRepository.BotWords("button-fixed"), TriageBotRepository.BotWords("button-not-fixed"), TriageBotRepository.BotWords("button-helpdesk")],
            fixCard.SubmitActions().Select(a => a.Title));
        Assert.Equal(["fixed", "notFixed", "helpdesk"], fixCard.SubmitActions().Select(a => a.Kind()));
    }
}
