using TriageBot.Cards;
using TriageBot.Core.Knowledge;
using TriageBot.Core.Matching;
using Microsoft.Extensions.Logging;
using TriageBot.Core.Triage;
using TriageBot.Escalation;
using TriageBot.Protocol.Builder;
using TriageBot.Protocol.Dialogs;
using TriageBot.Protocol.Schema;

namespace TriageBot.Dialogs;

/// <summary>
/// The triage conversation: recognise the paste, ask the questions the documents need, show the
/// fix for each documented cause in turn, and take the outcome. Interruptions (help, cancel, start
/// over, talk to a human, a new pasted error) are handled in one place, <see cref="OnContinueDialogAsync"/>.
/// </summary>
public sealed partial class TriageDialog : ComponentDialog
{
    public const string DialogId = "triage";
    private const string Main = "triage-main";
    private const string Questions = "triage-questions";
    private const string Causes = "triage-causes";
    private const string ChoosePrompt = "choose-symptom";
    private const string AnswerPrompt = "answer-question";
    private const string OutcomePrompt = "fix-outcome";
    private const string NoneOfThese = "none-of-these";
    private const string Escalate = "triage-escalate";

    /// <summary>Conversation state property: the ids of the tickets created in this conversation.</summary>
    public const string TicketsProperty = "tickets";

    /// <summary>How much of a paste the triage keeps (for the ticket).</summary>
    private const int MaxPasted = 4000;

    /// <summary>Options that start the dialog straight at the hand-over to a human.</summary>
    public const string HumanRequest = "\u0001human";

    /// <summary>
    /// Options for a card's helpdesk button pressed when no triage is waiting: the fallback card ends its triage, and its
    /// button hands that triage over with all it collected; a button of any other (older) card is stale.
    /// </summary>
    public const string HelpdeskButton = "\u0001helpdesk-button";

    /// <summary>Whether a card submit is a triage card's helpdesk button.</summary>
    public static bool IsHelpdeskButton(System.Text.Json.JsonElement? value) =>
        value is { ValueKind: System.Text.Json.JsonValueKind.Object } v && v.TryGetProperty(CardActions.Key, out var action) &&
        action.ValueKind == System.Text.Json.JsonValueKind.String && action.GetString() == CardActions.Helpdesk;

    /// <summary>The triage a card submit belongs to (its <c>flow</c>), or null.</summary>
    private static string? FlowOf(System.Text.Json.JsonElement value) =>
        value.ValueKind == System.Text.Json.JsonValueKind.Object && value.TryGetProperty("flow", out var f) && f.ValueKind == System.Text.Json.JsonValueKind.String ? f.GetString() : null;

    private readonly Catalog _catalog;
    private readonly ErrorMatcher _matcher;
    private readonly TriagePlanner _planner;
    private readonly TriageCards _cards;
    private readonly BotTexts _texts;
    private readonly IStatePropertyAccessor<TriageState> _state;
    private readonly IStatePropertyAccessor<List<string>> _ticketsHere;
    private readonly TicketStore _tickets;
    private readonly ILogger _log;
    private readonly Dictionary<string, List<Choice>> _questionChoices;
    private readonly List<Choice> _outcomeChoices;

    public TriageDialog(Catalog catalog, ErrorMatcher matcher, TriagePlanner planner, TriageCards cards, BotTexts texts,
        ConversationState conversationState, TicketStore tickets, ILogger<TriageDialog> log)
        : base(DialogId)
    {
        (_catalog, _matcher, _planner, _cards, _texts, _tickets, _log) = (catalog, matcher, planner, cards, texts, tickets, log);
        _state = conversationState.CreateProperty<TriageState>("triage");
        _ticketsHere = conversationState.CreateProperty<List<string>>(TicketsProperty);
        AddDialog(new WaterfallDialog(Main, [RecogniseAsync, StartQuestionsAsync, StartCausesAsync]));
        AddDialog(new WaterfallDialog(Questions, [AskAsync, AnsweredAsync]));
        AddDialog(new WaterfallDialog(Causes, [ShowCauseAsync, OutcomeAsync]));
        AddDialog(new WaterfallDialog(Escalate, [ShowFormAsync, FormSubmittedAsync]));
        // The cards carry the choice in their Action.Submit data; typed answers go through the choices' synonyms.
        // The prompts keep only a PromptCard in the dialog state and build their card from it when they ask.
        AddDialog(new ChoicePrompt(ChoosePrompt, submitProperty: "symptom") { PromptBuilder = BuildPrompt, ChoicesBuilder = BuildChoices });
        AddDialog(new ChoicePrompt(AnswerPrompt, submitProperty: "answer") { PromptBuilder = BuildPrompt, ChoicesBuilder = BuildChoices });
        AddDialog(new ChoicePrompt(OutcomePrompt, submitProperty: CardActions.Key) { PromptBuilder = BuildPrompt, ChoicesBuilder = BuildChoices });
        _questionChoices = planner.Flows.Questions.Values.ToDictionary(q => q.Id, ChoicesFor, StringComparer.Ordinal);
        _outcomeChoices =
        [
            new(CardActions.Fixed, [.. BotTexts.Languages.Select(l => texts.Get("button-fixed", l)), "fixed", "it works", "works now", "solved"]),
            new(CardActions.NotFixed, [.. BotTexts.Languages.Select(l => texts.Get("button-not-fixed", l)), "not fixed", "still broken", "didn't work", "did not work", "no luck"]),
            new(CardActions.Helpdesk, [.. BotTexts.Languages.Select(l => texts.Get("button-helpdesk", l))]),
        ];
        InitialDialogId = Main;
    }

    public IStatePropertyAccessor<TriageState> State => _state;

    /// <summary>The language to answer in: the paste's when it is one the bot speaks beyond English, else the client's.</summary>
    public static string ChooseLocale(string textLanguage, string? activityLocale)
    {
        if (textLanguage is "zh-cn" or "zh-tw" or "de-de")
        {
            return textLanguage;
        }
        var locale = Core.Knowledge.Parsing.SourceDocument.Normalize(activityLocale ?? "en-us");
        return BotTexts.Languages.FirstOrDefault(l => l == locale)
               ?? BotTexts.Languages.FirstOrDefault(l => l.Split('-')[0] == locale.Split('-')[0] && l != "zh-tw")
               ?? "en-us";
    }

    protected override async Task<DialogTurnResult> OnContinueDialogAsync(DialogContext innerDc, CancellationToken cancellationToken)
    {
        var turn = innerDc.Context;
        var activity = turn.Activity;
        var state = await _state.GetAsync(turn, () => new TriageState(), cancellationToken);
        var text = activity.RemoveRecipientMention()?.Trim();

        if (activity.Value is { } value)
        {
            // A button from another (older) card: say so and ask the current question again.
            if (FlowOf(value) != state.FlowId)
            {
                await turn.SendActivityAsync(Reply(turn, _texts.Get("unknown-submit", state.Locale)), cancellationToken);
                await innerDc.RepromptDialogAsync(cancellationToken);
                return EndOfTurn;
            }
            if (IsHelpdeskButton(value))
            {
                return await HumanAsync(innerDc, state, cancellationToken);
            }
        }
        else
        {
            switch (_texts.CommandOf(text))
            {
                case BotCommand.Help:
                    await turn.SendActivityAsync(Reply(turn, _texts.Get("help", state.Locale)), cancellationToken);
                    await innerDc.RepromptDialogAsync(cancellationToken);
                    return EndOfTurn;
                case BotCommand.Cancel:
                    await turn.SendActivityAsync(Reply(turn, _texts.Get("cancelled", state.Locale)), cancellationToken);
                    await innerDc.CancelAllDialogsAsync(cancellationToken);
                    return new DialogTurnResult(DialogTurnStatus.Cancelled);
                case BotCommand.Restart:
                    await innerDc.CancelAllDialogsAsync(cancellationToken);
                    await turn.SendActivityAsync(Reply(turn, _texts.Get("empty", state.Locale)), cancellationToken);
                    return new DialogTurnResult(DialogTurnStatus.Cancelled);
                case BotCommand.Human:
                    return await HumanAsync(innerDc, state, cancellationToken);
            }
            // A new error pasted in the middle of a conversation starts triage on it.
            if (text is { Length: >= 12 } && IsNewError(text))
            {
                await innerDc.CancelAllDialogsAsync(cancellationToken);
                return await BeginMainAsync(innerDc, text, cancellationToken);
            }
        }
        return await base.OnContinueDialogAsync(innerDc, cancellationToken);
    }

    /// <summary>
    /// Starts triage on a paste. The paste reaches the first step through the turn state rather than as the
    /// waterfall's options, which would keep a second copy of it (TriageState.Pasted has one) in the stored state.
    /// </summary>
    private Task<DialogTurnResult> BeginMainAsync(DialogContext innerDc, string paste, CancellationToken cancellationToken)
    {
        innerDc.Context.TurnState[PasteKey] = paste;
        return innerDc.BeginDialogAsync(Main, null, cancellationToken);
    }

    private const string PasteKey = "TriageDialog.Paste";

    /// <summary>A confident match on a documented error, even the same one again, means "start over on this".</summary>
    private bool IsNewError(string text)
    {
        var result = _matcher.Match(text);
        return result.Decision == MatchDecision.Match && result.Top!.Score >= 70;
    }

    private async Task<DialogTurnResult> HumanAsync(DialogContext dc, TriageState state, CancellationToken cancellationToken)
    {
        if (CurrentCauseId(state) is { } cause && state.Tried.All(t => t.CauseId != cause))
        {
            state.Tried.Add(new TriedFix(cause, CardActions.Helpdesk));
        }
        await dc.CancelAllDialogsAsync(cancellationToken);
        return await dc.BeginDialogAsync(Escalate, null, cancellationToken);
    }

    protected override async Task<DialogTurnResult> OnBeginDialogAsync(DialogContext innerDc, object? options, CancellationToken cancellationToken)
    {
        if (options as string == HelpdeskButton)
        {
            var last = await _state.GetAsync(innerDc.Context, () => new TriageState(), cancellationToken);
            if (last.FlowId is not null && innerDc.Context.Activity.Value is { } value && FlowOf(value) == last.FlowId)
            {
                return await HumanAsync(innerDc, last, cancellationToken);
            }
            await innerDc.Context.SendActivityAsync(Reply(innerDc.Context, _texts.Get("unknown-submit", last.Locale)), cancellationToken);
            return new DialogTurnResult(DialogTurnStatus.Complete);
        }
        if (options is string paste && paste != HumanRequest)
        {
            return await BeginMainAsync(innerDc, paste, cancellationToken);
        }
        if (options as string != HumanRequest)
        {
            return await base.OnBeginDialogAsync(innerDc, options, cancellationToken);
        }
        // "Talk to a human" with no triage behind it: a fresh record, straight to the form.
        var text = innerDc.Context.Activity.Text ?? "";
        await _state.SetAsync(innerDc.Context, new TriageState
        {
            FlowId = Guid.NewGuid().ToString("N")[..12],
            Locale = ChooseLocale(LanguageGuess.Guess(text), innerDc.Context.Activity.Locale),
        }, cancellationToken);
        return await innerDc.BeginDialogAsync(Escalate, null, cancellationToken);
    }

    private async Task<DialogTurnResult> ShowFormAsync(WaterfallStepContext step, CancellationToken cancellationToken)
    {
        var state = await _state.GetAsync(step.Context, () => new TriageState(), cancellationToken);
        var address = EmailRegex().Match(state.Pasted);
        var draft = state.FormDraft ?? new TicketForm { SignInAddress = address.Success ? address.Value : null, Scope = state.Answers.GetValueOrDefault("scope") };
        await step.Context.SendActivityAsync(_cards.EscalationForm(state.Locale, state.FlowId, _planner.Flows.Questions.GetValueOrDefault("scope"), draft), cancellationToken);
        return EndOfTurn;
    }

    private async Task<DialogTurnResult> FormSubmittedAsync(WaterfallStepContext step, CancellationToken cancellationToken)
    {
        var state = await _state.GetAsync(step.Context, () => new TriageState(), cancellationToken);
        var activity = step.Context.Activity;
        var form = new TicketForm();
        if (activity.Value is { ValueKind: System.Text.Json.JsonValueKind.Object } value)
        {
            string? Field(string name) => value.TryGetProperty(name, out var v) && v.ValueKind == System.Text.Json.JsonValueKind.String && v.GetString() is { Length: > 0 } s ? s.Trim() : null;
            form.SignInAddress = Field("signInAddress");
            form.ClientApp = Field("clientApp");
            form.ClientVersion = Field("clientVersion");
            form.OperatingSystem = Field("operatingSystem");
            form.Started = Field("started");
            form.Scope = Field("scope");
            form.LogsAvailable = Field("logsAvailable") is { } logs ? logs == "yes" : null;
            form.AnythingElse = Field("anythingElse");
        }
        else
        {
            // Typed fallback (channels without cards): the address is the one thing required.
            var text = activity.RemoveRecipientMention()?.Trim() ?? "";
            form.SignInAddress = EmailRegex().Match(text) is { Success: true } m ? m.Value : null;
            form.AnythingElse = text.Length > 0 ? text : null;
        }
        if (form.SignInAddress is null || !EmailRegex().IsMatch(form.SignInAddress))
        {
            await step.Context.SendActivityAsync(Reply(step.Context, _texts.Get("form-invalid-address", state.Locale)), cancellationToken);
            state.FormDraft = form; // shown again, so nothing the user filled in is lost
            return await step.ReplaceDialogAsync(Escalate, null, cancellationToken);
        }
        state.FormDraft = null;
        var ticket = await _tickets.CreateAsync(TicketRequestFrom(step.Context, state, form), $"{activity.Conversation?.Id}/{state.FlowId}", cancellationToken);
        LogTicketCreated(_log, state.FlowId, ticket.Id);
        var ticketsHere = await _ticketsHere.GetAsync(step.Context, () => [], cancellationToken);
        if (!ticketsHere.Contains(ticket.Id))
        {
            ticketsHere.Add(ticket.Id);
        }
        await step.Context.SendActivityAsync(Reply(step.Context, _texts.Get("ticket-created", state.Locale, ("id", ticket.Id))), cancellationToken);
        return await step.EndDialogAsync(ticket.Id, cancellationToken);
    }

    /// <summary>Everything the conversation collected, so the helpdesk never asks again.</summary>
    private TicketRequest TicketRequestFrom(ITurnContext turn, TriageState state, TicketForm form)
    {
        var activity = turn.Activity;
        var symptom = state.SymptomId is null ? null : _catalog.Find(state.SymptomId);
        var causes = symptom?.Causes.ToDictionary(c => c.Id) ?? [];
        var answers = state.Answers.Select(a => _planner.Flows.Questions.TryGetValue(a.Key, out var q)
            ? new TicketAnswer(q.TextFor("en-us"), q.Find(a.Value)?.LabelFor("en-us") ?? a.Value)
            : new TicketAnswer(a.Key, a.Value)).ToList();
        var fixes = state.Tried.Select(t => new TicketFix(
            causes.TryGetValue(t.CauseId, out var c) ? $"{c.Text.English.Plain} ({c.Resolution.English.Title.Plain})" : t.CauseId, t.Outcome)).ToList();
        return new TicketRequest
        {
            Requester = new TicketRequester
            {
                Id = activity.From?.Id ?? "",
                Name = activity.From?.Name,
                AadObjectId = activity.From?.AadObjectId,
                TenantId = activity.Conversation?.TenantId,
                Conversation = activity.GetConversationReference(),
            },
            Language = state.Locale,
            Pasted = state.Pasted,
            SymptomId = symptom?.Id,
            Message = state.Message ?? symptom?.Title,
            Answers = answers,
            Fixes = fixes,
            Form = form,
            Summary = symptom is null
                ? $"No documented error matched. Pasted: {Shorten(state.Pasted)}"
                : $"Recognised \"{state.Message ?? symptom.Title}\"; {answers.Count} question(s) answered; {fixes.Count} fix(es) tried: {string.Join(", ", fixes.Select(f => f.Outcome))}.",
        };
    }

    private static string Shorten(string text) => text.Length <= 200 ? text : text[..200] + "…";

    // Logged through source-generated methods: nothing is formatted, boxed or allocated when Information is off
    // (production runs at Warning), as a LogInformation call with arguments would on every turn.
    [LoggerMessage(Level = LogLevel.Information, Message = "Triage {Flow}: {Symptom} ({Locale}), answers from the paste: {Answers}")]
    private static partial void LogRecognised(ILogger log, string flow, string symptom, string locale, string answers);

    [LoggerMessage(Level = LogLevel.Information, Message = "Triage {Flow}: {Cause} -> {Outcome}")]
    private static partial void LogOutcome(ILogger log, string flow, string? cause, string? outcome);

    [LoggerMessage(Level = LogLevel.Information, Message = "Triage {Flow}: ticket {Ticket} created")]
    private static partial void LogTicketCreated(ILogger log, string flow, string ticket);

    [System.Text.RegularExpressions.GeneratedRegex(@"[^@\s<>()\[\],;:""']+@[^@\s<>()\[\],;:""']+\.[A-Za-z]{2,}")]
    private static partial System.Text.RegularExpressions.Regex EmailRegex();

    private async Task<DialogTurnResult> RecogniseAsync(WaterfallStepContext step, CancellationToken cancellationToken)
    {
        // The paste travels in the turn state, never in the waterfall's options, which are saved with every later turn.
        var text = step.Context.TurnState.Get<string>(PasteKey) ?? "";

        var previous = await _state.GetAsync(step.Context, () => new TriageState(), cancellationToken);
        var result = _matcher.Match(text);
        var state = new TriageState
        {
            FlowId = Guid.NewGuid().ToString("N")[..12],
            Locale = ChooseLocale(result.Language, step.Context.Activity.Locale),
            Pasted = text.Length > MaxPasted ? text[..MaxPasted] : text,
            FailedMatches = previous.FailedMatches,
        };
        await _state.SetAsync(step.Context, state, cancellationToken);
        if (result.Notice == "truncated")
        {
            await step.Context.SendActivityAsync(Reply(step.Context, _texts.Get("too-long", state.Locale)), cancellationToken);
        }
        switch (result.Decision)
        {
            case MatchDecision.Match:
                state.Message = result.Top!.Message;
                return await step.NextAsync(result.Top.SymptomId, cancellationToken);
            case MatchDecision.Ambiguous:
            {
                var top = result.Candidates.Take(3).ToList();
                state.Candidates = top.ToDictionary(c => c.SymptomId, c => c.Message);
                var card = new PromptCard
                {
                    Kind = PromptCard.Choose, Locale = state.Locale, FlowId = state.FlowId,
                    Candidates = top.Select(c => c.SymptomId).ToList(), Messages = top.Select(c => c.Message).ToList(),
                };
                return await step.PromptAsync(ChoosePrompt, new PromptOptions { Validations = card }, cancellationToken);
            }
            default:
                state.FailedMatches++;
                await step.Context.SendActivityAsync(_cards.NoMatch(state.Locale, state.FlowId), cancellationToken);
                if (state.FailedMatches >= 2)
                {
                    // Two pastes in a row matched nothing documented: hand over to a human.
                    return await step.BeginDialogAsync(Escalate, null, cancellationToken);
                }
                return await step.EndDialogAsync(null, cancellationToken);
        }
    }

    private static string MessageIn(Symptom symptom, string englishMessage, string locale) =>
        symptom.Causes.FirstOrDefault(c => c.Message.English.Plain == englishMessage)?.Message.Get(locale).Plain ?? englishMessage;

    /// <summary>
    /// The <see cref="PromptCard"/> a prompt's options keep. Read back from storage it is a plain dictionary: it is
    /// converted once and kept typed in the options, so building the choices and the card in one turn converts it once.
    /// </summary>
    private static PromptCard? CardOf(PromptOptions options) =>
        options.Validations as PromptCard ?? (PromptCard?)(options.Validations = DialogStateConverter.ConvertTo<PromptCard>(options.Validations));

    /// <summary>The documented errors a "which of these" card offers, each with its message in the card's language.</summary>
    private IEnumerable<(Symptom Symptom, string Message)> CandidatesOf(PromptCard card) =>
        (card.Candidates ?? []).Zip(card.Messages ?? [])
            .Select(c => (Symptom: _catalog.Find(c.First), Message: c.Second))
            .Where(c => c.Symptom is not null)
            .Select(c => (c.Symptom!, MessageIn(c.Symptom!, c.Message, card.Locale)));

    /// <summary>The answers a prompt accepts, from its <see cref="PromptCard"/> (see <see cref="ChoicePrompt.ChoicesBuilder"/>).</summary>
    private IList<Choice> BuildChoices(PromptOptions options)
    {
        var card = CardOf(options);
        switch (card?.Kind)
        {
            case PromptCard.Question:
                return _questionChoices.GetValueOrDefault(card.Id ?? "") ?? [];
            case PromptCard.Resolution:
                return _outcomeChoices;
            case PromptCard.Choose:
                return CandidatesOf(card)
                    .Select(c => new Choice(c.Symptom.Id, c.Message, c.Symptom.Title))
                    .Append(new Choice(NoneOfThese, [CardActions.NoneOfThese, .. BotTexts.Languages.Select(l => _texts.Get("none-of-these", l))]))
                    .ToList();
            default:
                return [];
        }
    }

    /// <summary>Builds a prompt's card from the <see cref="PromptCard"/> its options keep (see <see cref="ChoicePrompt.PromptBuilder"/>).</summary>
    private Activity BuildPrompt(PromptOptions options, bool isRetry)
    {
        var card = CardOf(options) ?? throw new InvalidOperationException("A triage prompt needs its PromptCard.");
        switch (card.Kind)
        {
            case PromptCard.Question when _planner.Flows.Questions.GetValueOrDefault(card.Id ?? "") is { } question:
                return _cards.Question(question, card.Locale, card.FlowId, isRetry ? _texts.Get("retry-answer", card.Locale) : card.Intro);
            // A typed answer the fix card or the "which of these" card does not take: a short line pointing at the card
            // above (its buttons still work), not the whole card again.
            case PromptCard.Resolution when isRetry:
                return Text(_texts.Get("retry-outcome", card.Locale,
                    ("fixed", _texts.Get("button-fixed", card.Locale)),
                    ("notFixed", _texts.Get("button-not-fixed", card.Locale)),
                    ("helpdesk", _texts.Get("button-helpdesk", card.Locale))));
            case PromptCard.Choose when isRetry:
                return Text(_texts.Get("retry-choose", card.Locale));
            case PromptCard.Resolution when _catalog.Find(card.Id ?? "") is { } symptom && symptom.Causes.FirstOrDefault(c => c.Id == card.CauseId) is { } cause:
                return _cards.Resolution(symptom, cause, card.Locale, card.FlowId, card.Intro);
            case PromptCard.Choose:
                return _cards.Choose(CandidatesOf(card).ToList(), card.Locale, card.FlowId);
            default:
                // The knowledge changed under a waiting prompt (a restart with other documents): say so plainly.
                return Text(_texts.Get("unknown-submit", card.Locale));
        }

        static Activity Text(string text)
        {
            var reply = Activity.CreateMessageActivity();
            reply.Text = text;
            return reply;
        }
    }

    private async Task<DialogTurnResult> StartQuestionsAsync(WaterfallStepContext step, CancellationToken cancellationToken)
    {
        var chosen = step.Result is FoundChoice found ? found.Value : step.Result as string;
        var state = await _state.GetAsync(step.Context, () => new TriageState(), cancellationToken);
        if (chosen is null || chosen == NoneOfThese || _catalog.Find(chosen) is not { } symptom)
        {
            await step.Context.SendActivityAsync(_cards.NoMatch(state.Locale, state.FlowId), cancellationToken);
            return await step.EndDialogAsync(null, cancellationToken);
        }
        state.SymptomId = symptom.Id;
        state.Message ??= state.Candidates.GetValueOrDefault(symptom.Id);
        state.FailedMatches = 0;
        foreach (var (question, answer) in _planner.Detect(symptom, state.Pasted))
        {
            state.Answers[question] = answer;
        }
        if (_log.IsEnabled(LogLevel.Information))
        {
            LogRecognised(_log, state.FlowId, symptom.Id, state.Locale, string.Join(",", state.Answers.Keys));
        }
        return await step.BeginDialogAsync(Questions, null, cancellationToken);
    }

    private Task<DialogTurnResult> StartCausesAsync(WaterfallStepContext step, CancellationToken cancellationToken) =>
        step.BeginDialogAsync(Causes, null, cancellationToken);

    private async Task<DialogTurnResult> AskAsync(WaterfallStepContext step, CancellationToken cancellationToken)
    {
        var state = await _state.GetAsync(step.Context, () => new TriageState(), cancellationToken);
        var plan = _planner.Plan(_catalog[state.SymptomId!], state.Answers);
        if (plan.Next is not { } question)
        {
            state.PendingQuestion = null;
            return await step.EndDialogAsync(null, cancellationToken);
        }
        state.PendingQuestion = question.Id;
        var card = new PromptCard { Kind = PromptCard.Question, Id = question.Id, Locale = state.Locale, FlowId = state.FlowId, Intro = Announce(state) };
        return await step.PromptAsync(AnswerPrompt, new PromptOptions { Validations = card }, cancellationToken);
    }

    /// <summary>A question's answers as prompt choices: typed synonyms and every language's label.</summary>
    public static List<Choice> ChoicesFor(Question question) =>
        question.Answers.Select(a => new Choice(a.Value, [.. a.Synonyms, .. a.Label.Values])).ToList();

    private async Task<DialogTurnResult> AnsweredAsync(WaterfallStepContext step, CancellationToken cancellationToken)
    {
        var state = await _state.GetAsync(step.Context, () => new TriageState(), cancellationToken);
        if (step.Result is FoundChoice found && state.PendingQuestion is { } question)
        {
            state.Answers[question] = found.Value;
        }
        return await step.ReplaceDialogAsync(Questions, null, cancellationToken);
    }

    private async Task<DialogTurnResult> ShowCauseAsync(WaterfallStepContext step, CancellationToken cancellationToken)
    {
        var state = await _state.GetAsync(step.Context, () => new TriageState(), cancellationToken);
        var symptom = _catalog[state.SymptomId!];
        var plan = _planner.Plan(symptom, state.Answers);
        if (state.CauseIndex >= plan.Causes.Count)
        {
            var intro = _texts.Get(plan.Causes.Count == 0 ? "fallback-intro" : "no-more-causes", state.Locale);
            if (_planner.Fallback(state.Locale) is { } procedure)
            {
                await step.Context.SendActivityAsync(_cards.Fallback(procedure, state.Locale, state.FlowId, intro), cancellationToken);
            }
            return await step.EndDialogAsync(state, cancellationToken);
        }
        var cause = plan.Causes[state.CauseIndex];
        // The card's heading names the error, so it needs no separate announcement.
        state.Announced = true;
        var card = new PromptCard
        {
            Kind = PromptCard.Resolution, Id = symptom.Id, CauseId = cause.Id, Locale = state.Locale, FlowId = state.FlowId,
            Intro = state.CauseIndex > 0 ? _texts.Get("next-cause", state.Locale) : null,
        };
        return await step.PromptAsync(OutcomePrompt, new PromptOptions { Validations = card }, cancellationToken);
    }

    private async Task<DialogTurnResult> OutcomeAsync(WaterfallStepContext step, CancellationToken cancellationToken)
    {
        var state = await _state.GetAsync(step.Context, () => new TriageState(), cancellationToken);
        var outcome = (step.Result as FoundChoice)?.Value;
        state.Tried.Add(new TriedFix(CurrentCauseId(state) ?? "", outcome ?? ""));
        LogOutcome(_log, state.FlowId, CurrentCauseId(state), outcome);
        switch (outcome)
        {
            case CardActions.Fixed:
                await step.Context.SendActivityAsync(Reply(step.Context, _texts.Get("fixed-thanks", state.Locale)), cancellationToken);
                return await step.EndDialogAsync(state, cancellationToken);
            case CardActions.NotFixed:
                state.CauseIndex++;
                return await step.ReplaceDialogAsync(Causes, null, cancellationToken);
            default:
                return await HumanAsync(step, state, cancellationToken);
        }
    }

    private string? CurrentCauseId(TriageState state)
    {
        if (state.SymptomId is null || _catalog.Find(state.SymptomId) is not { } symptom)
        {
            return null;
        }
        var causes = _planner.Plan(symptom, state.Answers).Causes;
        return state.CauseIndex < causes.Count ? causes[state.CauseIndex].Id : null;
    }

    /// <summary>"This is the documented error X." once per triage, before the first question or card.</summary>
    private string? Announce(TriageState state)
    {
        if (state.Announced || state.SymptomId is null)
        {
            return null;
        }
        state.Announced = true;
        var symptom = _catalog[state.SymptomId];
        var message = symptom.Causes.FirstOrDefault(c => c.Message.English.Plain == state.Message)?.Message
                      ?? symptom.Causes.FirstOrDefault(c => c.Kind == EntryKind.ErrorMessage)?.Message
                      ?? symptom.Causes[0].Message;
        return _texts.Get("recognised", state.Locale, ("message", message.Get(state.Locale).Plain.TrimEnd('.', '。')));
    }

    private static Activity Reply(ITurnContext turn, string text)
    {
        var reply = turn.Activity.CreateReply(text);
        reply.TextFormat = "markdown";
        return reply;
    }
}
