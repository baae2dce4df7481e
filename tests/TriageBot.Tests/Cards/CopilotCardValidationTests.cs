using TriageBot.Cards;
using TriageBot.Dialogs;
using TriageBot.Escalation;
using TriageBot.Protocol.Schema;
using TriageBot.Tests.Dialogs;
using Xunit.Abstractions;
using Activity = TriageBot.Protocol.Schema.Activity;

namespace TriageBot.Tests.Cards;

/// <summary>
/// Every card of the agents' side, checked like the triage's cards (<see cref="CardValidationTests"/>): the co-pilot card
/// for every documented error in every language and every candidate, with nothing matched, with the longest paste; the
/// ticket list; the fix cards the message extension inserts; the dialog's notice. By the official Adaptive Cards
/// JavaScript library (npm adaptivecards) and by size.
/// </summary>
public sealed class CopilotCardValidationTests(ITestOutputHelper output) : IDisposable
{
    private static readonly string[] ClientLocales = ["en-US", "de-DE", "zh-CN", "zh-TW"];
    private readonly string _folder = Directory.CreateTempSubdirectory("triagebot-copilot-cards-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static IEnumerable<(string Name, Activity Card)> EveryCard()
    {
        var catalog = TriageBotFactory.Catalog;
        var cards = TriageBotFactory.CopilotCards();
        foreach (var client in ClientLocales)
        {
            var locale = client.ToLowerInvariant();
            foreach (var symptom in catalog.Symptoms)
            {
                // The error as the user would paste it, in this language where the documents have it.
                var paste = symptom.Causes.Select(c => c.Message.Get(locale).Plain).MinBy(m => m.Length)!;
                for (var index = 0; index < 5; index++)
                {
                    yield return ($"copilot-{symptom.Id}-{index}-{locale}", cards.Copilot(paste, index, client));
                }
                foreach (var cause in symptom.Causes)
                {
                    yield return ($"search-{cause.Id.Replace('/', '-')}-{locale}", Message(cards.FixCard(symptom, cause, locale)));
                }
            }
            yield return ($"copilot-nomatch-{locale}", cards.Copilot("my printer is out of toner", 0, client));
            yield return ($"copilot-empty-questions-{locale}", cards.Copilot("Lync: sign-in address not found, we're on plan p", 0, client));
        }
        // The longest paste the co-pilot reads, in the script that takes most bytes, around a documented error.
        var chinese = "找不到登录地址。" + string.Concat(Enumerable.Repeat("用户说登录时出现错误，服务器暂时不可用。", CopilotCards.MaxPaste / 10));
        yield return ("copilot-longest-paste-zh", cards.Copilot(chinese, 1, "zh-CN"));
        yield return ("copilot-longest-paste-en", cards.Copilot("Server is temporarily unavailable " + new string('x', 3 * CopilotCards.MaxPaste), 0, "en-US"));
        foreach (var locale in BotTexts.Languages)
        {
            var listCards = TriageBotFactory.CopilotCards(new EscalationOptions { HelpdeskLocale = locale });
            yield return ($"tickets-{locale}", listCards.Tickets(Tickets(25), new DateTimeOffset(2026, 11, 20, 12, 0, 0, TimeSpan.Zero)));
        }
        yield return ("notice", new HelpdeskCards(TriageBotFactory.Texts, Microsoft.Extensions.Options.Options.Create(new EscalationOptions())).Notice("That message has no text to triage."));
    }

    [Fact]
    public void EveryCard_IsUnderTheTeamsSizeLimitAndHasAFallbackText()
    {
        var all = EveryCard().ToList();

        Assert.True(all.Count > 300, $"only {all.Count} cards");
        CardChecks.AssertUnderTheTeamsSizeLimitWithFallbackText(all);
        var largest = all.MaxBy(c => CardChecks.SizeOf(c.Card));
        output.WriteLine($"{all.Count} cards, largest {largest.Name}: {CardChecks.SizeOf(largest.Card)} bytes");
    }

    [Fact]
    public Task EveryCard_PassesTheOfficialAdaptiveCardsLibrary() =>
        CardChecks.AssertPassTheOfficialAdaptiveCardsLibraryAsync(EveryCard(), _folder, output, outputTail: 3000);

    private static Activity Message(Attachment attachment)
    {
        var activity = Activity.CreateMessageActivity();
        activity.Attachments = [attachment];
        activity.Summary = "fix card";
        return activity;
    }

    private static List<Ticket> Tickets(int count) =>
        Enumerable.Range(0, count).Select(i => new Ticket
        {
            Id = $"TB-{1001 + count - i}",
            Status = i % 3 == 1 ? TicketStatus.Assigned : TicketStatus.Open,
            Assignee = i % 3 == 1 ? new TicketPerson("29:agent", "Grace Hopper") : null,
            CreatedAt = new DateTimeOffset(2026, 11, 20, 12, 0, 0, TimeSpan.Zero) - TimeSpan.FromMinutes(37 * i * i),
            Request = new TicketRequest
            {
                Requester = new TicketRequester { Id = $"29:user{i}", Name = $"User {i}" },
                Message = i % 4 == 0 ? null : "Server is temporarily unavailable",
            },
        }).ToList();
}
