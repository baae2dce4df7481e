using TriageBot.EndToEnd.Harness;

namespace TriageBot.EndToEnd;

/// <summary>
/// The conversation the end-to-end tests and the README walk through: "Server is temporarily unavailable" for an
/// organization on Office 365 Plan E with its own domain and no AD FS single sign-on. The documents' fix for that is the
/// custom-domain DNS procedure ("Update DNS settings").
/// </summary>
internal static class TriageWalkthrough
{
    public const string Paste = "Skype for Business says: Server is temporarily unavailable";

    /// <summary>The questions expected, in the order asked, and the answer the user gives (dialogs/questions.yaml values).</summary>
    public static readonly IReadOnlyList<(string Question, string Answer)> Answers =
    [
        ("plan", "yes"),
        ("custom-domain", "yes"),
        ("adfs", "no"),
    ];

    public const string FixProcedure = "Update DNS settings";

    /// <summary>More questions than this means the bot is looping.</summary>
    public const int MaxQuestions = 6;

    /// <summary>Card data of the triage buttons ({"triage": "answer" | "fixed" | "notFixed" | "helpdesk", "flow", ...}).</summary>
    public static string? Kind(this CardSubmitAction action) => action["triage"];

    /// <summary>True when the card asks a question (its buttons are answers).</summary>
    public static bool IsQuestion(BotActivity card) => card.SubmitActions().Any(a => a.Kind() == "answer");

    /// <summary>The question the card asks, and the button the walkthrough's user presses; fails on a question the
    /// walkthrough does not expect, naming it and the card.</summary>
    public static (string Question, CardSubmitAction Button) Choose(BotActivity card)
    {
        var answers = card.SubmitActions().Where(a => a.Kind() == "answer").ToList();
        var question = answers.Select(a => a["question"]).Distinct().SingleOrDefault()
                       ?? throw new InvalidOperationException($"Not a question card: {card}");
        var expected = Answers.Where(a => a.Question == question).Select(a => a.Answer).FirstOrDefault()
                       ?? throw new InvalidOperationException($"The bot asked '{question}', which this walkthrough does not expect: {card.CardText()}");
        var button = answers.SingleOrDefault(a => a["answer"] == expected)
                     ?? throw new InvalidOperationException($"The card for '{question}' has no '{expected}' button: {string.Join(", ", answers)}");
        return (question, button);
    }
}
