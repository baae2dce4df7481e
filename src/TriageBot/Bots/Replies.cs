using System.Text;
using TriageBot.Core.Matching;

namespace TriageBot.Bots;

/// <summary>The bot's own words (English until the triage dialogs bring the other languages).</summary>
internal static class Replies
{
    public const string Apology = "Sorry, something went wrong on my side. Please send your message again; if it keeps failing, contact the helpdesk.";

    public const string Welcome =
        "Hi, I'm TriageBot. Paste the sign-in error you see in Skype for Business (the exact text is best, a screenshot's words are fine) " +
        "and I'll find the documented fix. Type **help** for what I can do, or **talk to a human** to reach the helpdesk.";

    public const string EmptyMessage = "Paste the error text you see, for example: *Sign-in address not found*.";

    public const string UnknownSubmit = "That button belongs to a card I no longer recognise. Paste the error again and I'll start over.";

    /// <summary>The matcher's result for a person, until the triage dialogs take over.</summary>
    public static string ForMatch(MatchResult result)
    {
        var text = new StringBuilder();
        switch (result.Decision)
        {
            case MatchDecision.Match:
            {
                var top = result.Top!;
                text.Append("This is the documented error **").Append(top.Message).Append("** (").Append(top.Score).Append("% match).\n\n");
                text.Append("Documented causes:\n");
                for (var i = 0; i < top.Causes.Count; i++)
                {
                    text.Append(i + 1).Append(". ").Append(top.Causes[i]).Append('\n');
                }
                break;
            }
            case MatchDecision.Ambiguous:
                text.Append("Which of these do you see?\n");
                foreach (var c in result.Candidates.Take(3))
                {
                    text.Append("- **").Append(c.Message).Append("** (").Append(c.Score).Append("%)\n");
                }
                break;
            default:
                text.Append("I couldn't find that in the documented Skype for Business sign-in errors. ")
                    .Append("Please paste the exact error text, or type **talk to a human** to reach the helpdesk.");
                break;
        }
        return text.ToString().TrimEnd();
    }
}
