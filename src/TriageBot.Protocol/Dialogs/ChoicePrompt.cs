using TriageBot.Protocol.Builder;
using TriageBot.Protocol.Schema;

namespace TriageBot.Protocol.Dialogs;

/// <summary>
/// Asks the user to pick one of <see cref="PromptOptions.Choices"/>. Accepts the value or a synonym
/// typed (case-insensitive), the choice's number, or a card button: an Action.Submit whose data has the
/// choice under <see cref="SubmitProperty"/>. Ends with a <see cref="FoundChoice"/>.
/// </summary>
public class ChoicePrompt : Prompt<FoundChoice>
{
    /// <summary>Creates the prompt.</summary>
    /// <param name="dialogId">The prompt's id.</param>
    /// <param name="validator">Optional extra check.</param>
    /// <param name="submitProperty">Property of an Action.Submit's data that carries the chosen value.</param>
    public ChoicePrompt(string dialogId, PromptValidator<FoundChoice>? validator = null, string submitProperty = "choice")
        : base(dialogId, validator)
    {
        ArgumentException.ThrowIfNullOrEmpty(submitProperty);
        SubmitProperty = submitProperty;
    }

    /// <summary>Property of an Action.Submit's data that carries the chosen value.</summary>
    public string SubmitProperty { get; }

    /// <summary>
    /// Builds the question activity from the options (text, suggested actions or an Adaptive Card with
    /// Action.Submit buttons). On a retry it receives the options with <see cref="PromptOptions.Prompt"/>
    /// set to the retry prompt. Default: <see cref="ChoiceFactory.NumberedList"/>.
    /// </summary>
    public Func<PromptOptions, Activity> ChoiceRenderer { get; set; } = ChoiceFactory.NumberedList;

    /// <summary>
    /// Builds the question when the options carry no <see cref="PromptOptions.Prompt"/>, from what the dialog put
    /// into <see cref="PromptOptions.Validations"/> (<c>isRetry</c>: after an answer that was not recognised).
    /// The options are persisted with the dialog state on every turn until the answer comes, so a big question
    /// (an Adaptive Card) costs storage and serialization each turn; a builder keeps only what it is built from.
    /// </summary>
    public Func<PromptOptions, bool, Activity>? PromptBuilder { get; set; }

    /// <summary>
    /// The choices when the options carry none (<see cref="PromptOptions.Choices"/> null), built from the options'
    /// <see cref="PromptOptions.Validations"/>: like <see cref="PromptBuilder"/>, keeps long synonym lists out of the
    /// persisted state.
    /// </summary>
    public Func<PromptOptions, IList<Choice>>? ChoicesBuilder { get; set; }

    /// <inheritdoc />
    protected override Task OnPromptAsync(ITurnContext turnContext, IDictionary<string, object?> state, PromptOptions options, bool isRetry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Prompt is null && PromptBuilder is not null)
        {
            return SendAsync(turnContext, PromptBuilder(options, isRetry), cancellationToken);
        }

        var rendered = isRetry && options.RetryPrompt is not null
            ? new PromptOptions { Prompt = options.RetryPrompt, RetryPrompt = options.RetryPrompt, Choices = options.Choices, Validations = options.Validations }
            : options;
        return SendAsync(turnContext, ChoiceRenderer(rendered), cancellationToken);
    }

    /// <inheritdoc />
    protected override Task<PromptRecognizerResult<FoundChoice>> OnRecognizeAsync(ITurnContext turnContext, IDictionary<string, object?> state, PromptOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(turnContext);
        ArgumentNullException.ThrowIfNull(options);
        var choices = options.Choices ?? ChoicesBuilder?.Invoke(options) ?? [];
        var found = ChoiceRecognizer.Recognize(ChoiceFactory.GetAnswer(turnContext.Activity, SubmitProperty), choices);
        return Task.FromResult(found is null
            ? new PromptRecognizerResult<FoundChoice>()
            : new PromptRecognizerResult<FoundChoice> { Succeeded = true, Value = found });
    }
}
