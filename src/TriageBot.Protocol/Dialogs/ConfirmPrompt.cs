using TriageBot.Protocol.Builder;
using TriageBot.Protocol.Schema;

namespace TriageBot.Protocol.Dialogs;

/// <summary>
/// Asks a yes/no question; ends with true or false. The words accepted (and shown) per locale are in
/// <see cref="ChoiceDefaults"/>; answers also work by number (1 = yes, 2 = no) and as an Action.Submit
/// whose data carries the yes or no value under <see cref="SubmitProperty"/>.
/// </summary>
public class ConfirmPrompt : Prompt<bool>
{
    /// <summary>Creates the prompt.</summary>
    /// <param name="dialogId">The prompt's id.</param>
    /// <param name="validator">Optional extra check.</param>
    /// <param name="defaultLocale">Locale used when the activity has none (or an unknown one) before falling back to <c>en</c>.</param>
    /// <param name="submitProperty">Property of an Action.Submit's data that carries the answer.</param>
    public ConfirmPrompt(string dialogId, PromptValidator<bool>? validator = null, string? defaultLocale = null, string submitProperty = "choice")
        : base(dialogId, validator)
    {
        ArgumentException.ThrowIfNullOrEmpty(submitProperty);
        DefaultLocale = defaultLocale;
        SubmitProperty = submitProperty;
    }

    /// <summary>Locale used when the activity's is missing or has no entry in <see cref="ChoiceDefaults"/>.</summary>
    public string? DefaultLocale { get; set; }

    /// <summary>Property of an Action.Submit's data that carries the answer.</summary>
    public string SubmitProperty { get; }

    /// <summary>
    /// The yes and no choices per locale (keys like <c>de</c> or <c>zh-TW</c>, case-insensitive; a
    /// <c>de-DE</c> activity uses <c>de</c>). Preset: <c>en</c>. Answers not recognised in the
    /// conversation's locale are also tried in English.
    /// </summary>
    public IDictionary<string, (Choice Yes, Choice No)> ChoiceDefaults { get; } =
        new Dictionary<string, (Choice Yes, Choice No)>(StringComparer.OrdinalIgnoreCase)
        {
            ["en"] = (
                new Choice("Yes", "yes", "y", "yep", "yeah", "yup", "ok", "okay", "correct", "true", "affirmative"),
                new Choice("No", "no", "n", "nope", "nah", "false", "incorrect", "negative")),
        };

    /// <summary>Builds the question activity; receives the options with the locale's yes/no as choices. Default: <see cref="ChoiceFactory.NumberedList"/>.</summary>
    public Func<PromptOptions, Activity> ChoiceRenderer { get; set; } = ChoiceFactory.NumberedList;

    /// <inheritdoc />
    protected override Task OnPromptAsync(ITurnContext turnContext, IDictionary<string, object?> state, PromptOptions options, bool isRetry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(turnContext);
        ArgumentNullException.ThrowIfNull(options);
        var (yes, no) = ChoicesFor(turnContext.Activity.Locale);
        var rendered = new PromptOptions
        {
            Prompt = isRetry && options.RetryPrompt is not null ? options.RetryPrompt : options.Prompt,
            RetryPrompt = options.RetryPrompt,
            Choices = [yes, no],
            Validations = options.Validations,
        };
        return SendAsync(turnContext, ChoiceRenderer(rendered), cancellationToken);
    }

    /// <inheritdoc />
    protected override Task<PromptRecognizerResult<bool>> OnRecognizeAsync(ITurnContext turnContext, IDictionary<string, object?> state, PromptOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(turnContext);
        var answer = ChoiceFactory.GetAnswer(turnContext.Activity, SubmitProperty);
        var (yes, no) = ChoicesFor(turnContext.Activity.Locale);
        var found = ChoiceRecognizer.Recognize(answer, [yes, no]);
        if (found is null && ChoiceDefaults.TryGetValue("en", out var english) && !ReferenceEquals(english.Yes, yes))
        {
            found = ChoiceRecognizer.Recognize(answer, [english.Yes, english.No]);
        }

        return Task.FromResult(found is null
            ? new PromptRecognizerResult<bool>()
            : new PromptRecognizerResult<bool> { Succeeded = true, Value = found.Index == 0 });
    }

    private (Choice Yes, Choice No) ChoicesFor(string? locale)
    {
        foreach (var candidate in new[] { locale, Language(locale), DefaultLocale, Language(DefaultLocale), "en" })
        {
            if (!string.IsNullOrEmpty(candidate) && ChoiceDefaults.TryGetValue(candidate, out var choices))
            {
                return choices;
            }
        }

        throw new InvalidOperationException($"ConfirmPrompt '{Id}' has no yes/no choices for '{locale}' and none for 'en'.");
    }

    private static string? Language(string? locale) => locale?.Split('-')[0];
}
