using Microsoft.Extensions.Options;
using TriageBot.Cards;
using TriageBot.Dialogs;
using TriageBot.Escalation;
using TriageBot.Protocol.Schema;
using Activity = TriageBot.Protocol.Schema.Activity;
using TriageBot.Tests.Dialogs;
using Xunit.Abstractions;

namespace TriageBot.Tests.Cards;

/// <summary>
/// Every card the bot can send, for every catalog entry and language, checked by the official
/// Adaptive Cards JavaScript library (npm adaptivecards) and by size.
/// </summary>
public sealed class CardValidationTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("triagebot-cards-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static IEnumerable<(string Name, Activity Card)> EveryCard()
    {
        var catalog = TriageBotFactory.Catalog;
        var cards = TriageBotFactory.Cards;
        var flows = TriageBotFactory.Flows;
        foreach (var locale in BotTexts.Languages)
        {
            foreach (var symptom in catalog.Symptoms)
            {
                foreach (var cause in symptom.Causes)
                {
                    yield return ($"fix-{cause.Id.Replace('/', '-')}-{locale}", cards.Resolution(symptom, cause, locale, "flow", "intro"));
                }
            }
            foreach (var question in flows.Questions.Values)
            {
                yield return ($"question-{question.Id}-{locale}", cards.Question(question, locale, "flow", "This is the documented error **X**."));
            }
            var candidates = catalog.Symptoms.Take(3).Select(s => (s, s.Causes[0].Message.Get(locale).Plain)).ToList();
            yield return ($"choose-{locale}", cards.Choose(candidates, locale, "flow"));
            yield return ($"nomatch-{locale}", cards.NoMatch(locale, "flow"));
            yield return ($"form-{locale}", cards.EscalationForm(locale, "flow", flows.Questions["scope"], new TicketForm { SignInAddress = "ada@contoso.com", Scope = "one" }));
            var fallback = catalog.Procedures[flows.Fallback].Get(locale);
            yield return ($"fallback-{locale}", cards.Fallback(fallback, locale, "flow", "intro"));
            foreach (var card in HelpdeskCards(locale))
            {
                yield return card;
            }
        }
    }

    /// <summary>The helpdesk's ticket card in each state (agents read <paramref name="locale"/>), and the question card a user of that language gets.</summary>
    private static IEnumerable<(string Name, Activity Card)> HelpdeskCards(string locale)
    {
        var helpdesk = new HelpdeskCards(TriageBotFactory.Texts, Options.Create(new EscalationOptions { HelpdeskLocale = locale }));
        var open = SampleTicket(locale);
        yield return ($"ticket-open-{locale}", helpdesk.Message(open));
        var noMatch = SampleTicket(locale);
        noMatch.Request.SymptomId = null;
        noMatch.Request.Message = null;
        noMatch.Request.Answers = [];
        noMatch.Request.Fixes = [];
        yield return ($"ticket-nomatch-{locale}", helpdesk.Message(noMatch));
        var assigned = SampleTicket(locale);
        assigned.Assign(Agent, assigned.CreatedAt.AddMinutes(3));
        assigned.AskUser(Agent, "Which version of Skype for Business?", assigned.CreatedAt.AddMinutes(4));
        assigned.RecordUserAnswer("16.0.4266", assigned.CreatedAt.AddMinutes(9));
        yield return ($"ticket-assigned-{locale}", helpdesk.Message(assigned));
        yield return ($"ticket-banner-{locale}", helpdesk.Message(assigned, TriageBotFactory.Texts.Get("helpdesk-not-agent", locale)));
        var resolved = SampleTicket(locale);
        resolved.Assign(Agent, resolved.CreatedAt.AddMinutes(3));
        resolved.Resolve(Agent, "Licence re-assigned; sign in again.", resolved.CreatedAt.AddMinutes(20));
        yield return ($"ticket-resolved-{locale}", helpdesk.Message(resolved));
        yield return ($"notice-{locale}", helpdesk.Notice(TriageBotFactory.Texts.Get("helpdesk-already-resolved", locale, ("id", "TB-1001"))));
        yield return ($"ask-{locale}", helpdesk.Question(assigned, assigned.History[2]));
    }

    private static readonly TicketPerson Agent = new("29:agent", "Megan Bowen", "aad-megan");

    private static Ticket SampleTicket(string language)
    {
        var request = Escalation.Requests.Sample();
        request.Language = language;
        request.Form.AnythingElse = "It worked yesterday.";
        var at = new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
        return new Ticket
        {
            Id = "TB-1001",
            Status = TicketStatus.Open,
            CreatedAt = at,
            UpdatedAt = at,
            Request = request,
            History = [new TicketEvent(TicketEventKind.Created, request.Requester.AsPerson(), at)],
        };
    }

    /// <summary>
    /// The longest ticket the bot can hold: a pasted log (the triage keeps 4,000 characters), a log typed as "anything
    /// else" (the typed fallback keeps the whole message), every form field long, and a history of questions and
    /// answers at the longest the actions keep, in Chinese (each character is 6 bytes escaped on the wire).
    /// </summary>
    public static TheoryData<string> LongTicketTexts() => ["x", "登"];

    [Theory]
    [MemberData(nameof(LongTicketTexts))]
    public void TicketCard_LongestTicket_IsUnderTheTeamsSizeLimit(string unit)
    {
        string Long(int length) => string.Concat(Enumerable.Repeat(unit, length));
        var ticket = SampleTicket("zh-cn");
        var request = ticket.Request;
        request.Pasted = Long(4000);
        request.Form.AnythingElse = Long(20_000);
        request.Form.ClientApp = Long(1000);
        request.Form.ClientVersion = Long(1000);
        request.Form.OperatingSystem = Long(1000);
        request.Form.Started = Long(1000);
        request.Form.Scope = Long(1000);
        request.Answers = [.. Enumerable.Range(0, 6).Select(i => new TicketAnswer(Long(200), Long(200)))];
        request.Fixes = [.. Enumerable.Range(0, 6).Select(i => new TicketFix(Long(300), "notFixed"))];
        ticket.Assign(Agent, ticket.CreatedAt);
        for (var i = 0; i < 10; i++)
        {
            ticket.AskUser(Agent, Long(TicketActions.MaxText), ticket.CreatedAt);
            ticket.RecordUserAnswer(Long(TicketActions.MaxText), ticket.CreatedAt);
        }

        var helpdesk = new HelpdeskCards(TriageBotFactory.Texts, Options.Create(new EscalationOptions { HelpdeskLocale = "zh-cn" }));
        foreach (var card in new[] { helpdesk.Message(ticket), helpdesk.Message(ticket, Long(300)), helpdesk.Question(ticket, ticket.History[^2]) })
        {
            var size = CardChecks.SizeOf(card);
            output.WriteLine($"{size} bytes");
            Assert.True(size < CardChecks.TeamsCardLimitBytes, $"{size} bytes");
        }

        // Shortened on the card only: the agent still sees the latest history and the ticket's actions.
        var said = TriageBotFactory.Said(helpdesk.Message(ticket));
        Assert.Contains("TB-1001", said);
        Assert.Contains("[分配给我]", said);
        Assert.Contains("Alex Wilber 回答：" + unit, said);
        Assert.Contains("…", said);
    }

    [Fact]
    public void EveryCard_IsUnderTheTeamsSizeLimitAndHasAFallbackText()
    {
        var all = EveryCard().ToList();

        Assert.True(all.Count > 100, $"only {all.Count} cards");
        CardChecks.AssertUnderTheTeamsSizeLimitWithFallbackText(all);
        output.WriteLine($"{all.Count} cards, largest {all.Max(c => CardChecks.SizeOf(c.Card))} bytes");
    }

    [Fact]
    public Task EveryCard_PassesTheOfficialAdaptiveCardsLibrary() =>
        CardChecks.AssertPassTheOfficialAdaptiveCardsLibraryAsync(EveryCard(), _folder, output);
}
