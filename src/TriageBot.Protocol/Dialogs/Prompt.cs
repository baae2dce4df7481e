using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using TriageBot.Protocol.Builder;
using TriageBot.Protocol.Schema;

namespace TriageBot.Protocol.Dialogs;

/// <summary>What a prompt asks and how.</summary>
public class PromptOptions
{
    /// <summary>The question.</summary>
    public Activity? Prompt { get; set; }

    /// <summary>Sent instead of <see cref="Prompt"/> after an answer that was not recognised or not valid.</summary>
    public Activity? RetryPrompt { get; set; }

    /// <summary>The choices of a <see cref="ChoicePrompt"/>.</summary>
    public IList<Choice>? Choices { get; set; }

    /// <summary>Anything a validator needs (persisted with the prompt, so JSON-friendly).</summary>
    [JsonConverter(typeof(NormalizingValueConverter))]
    public object? Validations { get; set; }
}

/// <summary>What a prompt recognised in the user's answer.</summary>
/// <typeparam name="T">The answer's type.</typeparam>
public class PromptRecognizerResult<T>
{
    /// <summary>True when the answer was recognised.</summary>
    public bool Succeeded { get; set; }

    /// <summary>The recognised value, when <see cref="Succeeded"/>.</summary>
    public T? Value { get; set; }
}

/// <summary>What a <see cref="PromptValidator{T}"/> sees.</summary>
/// <typeparam name="T">The answer's type.</typeparam>
public class PromptValidatorContext<T>
{
    internal PromptValidatorContext(ITurnContext turnContext, PromptRecognizerResult<T> recognized, IDictionary<string, object?> state, PromptOptions options)
    {
        Context = turnContext;
        Recognized = recognized;
        State = state;
        Options = options;
    }

    /// <summary>The turn (the answer is <c>Context.Activity</c>).</summary>
    public ITurnContext Context { get; }

    /// <summary>What the prompt recognised; the validator runs even when nothing was.</summary>
    public PromptRecognizerResult<T> Recognized { get; }

    /// <summary>The prompt's options.</summary>
    public PromptOptions Options { get; }

    /// <summary>The prompt's persisted state.</summary>
    public IDictionary<string, object?> State { get; }

    /// <summary>How many answers were received, this one included (1 on the first answer).</summary>
    public int AttemptCount => Convert.ToInt32(State.GetOrNull(Prompt<T>.AttemptCountKey) ?? 0, CultureInfo.InvariantCulture);
}

/// <summary>
/// Decides whether an answer is acceptable. Return false to re-prompt (with
/// <see cref="PromptOptions.RetryPrompt"/>, unless the validator already replied this turn).
/// </summary>
public delegate Task<bool> PromptValidator<T>(PromptValidatorContext<T> promptContext, CancellationToken cancellationToken);

/// <summary>
/// Base of the prompts: asks, recognises the answer, validates it, re-asks until valid, then ends with the value.
/// </summary>
/// <typeparam name="T">The answer's type.</typeparam>
public abstract class Prompt<T> : Dialog
{
    internal const string AttemptCountKey = "attemptCount";
    private const string PersistedOptions = "options";
    private const string PersistedState = "state";

    private readonly PromptValidator<T>? _validator;

    /// <summary>Creates the prompt with an optional validator (without one, any recognised answer is accepted).</summary>
    protected Prompt(string dialogId, PromptValidator<T>? validator = null)
        : base(dialogId)
    {
        _validator = validator;
    }

    /// <summary>Sends the prompt. <paramref name="options"/> must be a <see cref="PromptOptions"/>.</summary>
    public override async Task<DialogTurnResult> BeginDialogAsync(DialogContext dc, object? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dc);
        var promptOptions = DialogStateConverter.ConvertTo<PromptOptions>(options)
            ?? throw new ArgumentException($"Prompt '{Id}' needs PromptOptions.", nameof(options));
        var instanceState = dc.ActiveDialog!.State;
        var state = new Dictionary<string, object?>(StringComparer.Ordinal) { [AttemptCountKey] = 0 };
        instanceState[PersistedOptions] = promptOptions;
        instanceState[PersistedState] = state;
        await OnPromptAsync(dc.Context, state, promptOptions, false, cancellationToken).ConfigureAwait(false);
        return EndOfTurn;
    }

    /// <summary>Recognises and validates the answer; ends with the value, or re-prompts. Non-message activities are ignored.</summary>
    public override async Task<DialogTurnResult> ContinueDialogAsync(DialogContext dc, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dc);
        if (dc.Context.Activity.Type != ActivityTypes.Message)
        {
            return EndOfTurn;
        }

        var (options, state) = Persisted(dc.ActiveDialog!);
        var recognized = await OnRecognizeAsync(dc.Context, state, options, cancellationToken).ConfigureAwait(false);

        // Not a cast: the count comes back from storage as Int64.
        state[AttemptCountKey] = Convert.ToInt32(state.GetOrNull(AttemptCountKey) ?? 0, CultureInfo.InvariantCulture) + 1;
        var isValid = _validator is null
            ? recognized.Succeeded
            : await _validator(new PromptValidatorContext<T>(dc.Context, recognized, state, options), cancellationToken).ConfigureAwait(false);
        if (isValid)
        {
            return await dc.EndDialogAsync(recognized.Value, cancellationToken).ConfigureAwait(false);
        }

        if (!dc.Context.Responded)
        {
            await OnPromptAsync(dc.Context, state, options, true, cancellationToken).ConfigureAwait(false);
        }

        return EndOfTurn;
    }

    /// <summary>Something pushed above the prompt ended: asks again.</summary>
    public override async Task<DialogTurnResult> ResumeDialogAsync(DialogContext dc, DialogReason reason, object? result = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dc);
        await RepromptDialogAsync(dc.Context, dc.ActiveDialog!, cancellationToken).ConfigureAwait(false);
        return EndOfTurn;
    }

    /// <summary>Sends the prompt again (not the retry prompt).</summary>
    public override Task RepromptDialogAsync(ITurnContext turnContext, DialogInstance instance, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var (options, state) = Persisted(instance);
        return OnPromptAsync(turnContext, state, options, false, cancellationToken);
    }

    /// <summary>Sends the question (<paramref name="isRetry"/>: after an invalid answer).</summary>
    protected abstract Task OnPromptAsync(ITurnContext turnContext, IDictionary<string, object?> state, PromptOptions options, bool isRetry, CancellationToken cancellationToken = default);

    /// <summary>Recognises the answer in the turn's activity.</summary>
    protected abstract Task<PromptRecognizerResult<T>> OnRecognizeAsync(ITurnContext turnContext, IDictionary<string, object?> state, PromptOptions options, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sends a copy of <paramref name="activity"/> (sending fills routing fields in; the persisted
    /// options must not collect them). Does nothing when it is null.
    /// </summary>
    protected static async Task SendAsync(ITurnContext turnContext, Activity? activity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(turnContext);
        if (activity is not null)
        {
            await turnContext.SendActivityAsync(activity.ShallowClone(), cancellationToken).ConfigureAwait(false);
        }
    }

    private static (PromptOptions Options, IDictionary<string, object?> State) Persisted(DialogInstance instance)
    {
        // After a storage round trip the options are a plain dictionary: convert once and keep the typed object.
        var options = DialogStateConverter.ConvertTo<PromptOptions>(instance.State.GetOrNull(PersistedOptions)) ?? new PromptOptions();
        instance.State[PersistedOptions] = options;
        if (instance.State.GetOrNull(PersistedState) is not IDictionary<string, object?> state)
        {
            state = new Dictionary<string, object?>(StringComparer.Ordinal) { [AttemptCountKey] = 0 };
            instance.State[PersistedState] = state;
        }

        return (options, state);
    }
}

/// <summary>Reads an <c>object</c>-typed property as normalised values (see <see cref="DialogStateConverter.Normalize"/>).</summary>
internal sealed class NormalizingValueConverter : JsonConverter<object>
{
    public override bool HandleNull => false;

    public override object? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        NormalizedJson.Read(ref reader);

    public override void Write(Utf8JsonWriter writer, object value, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(writer, value, value.GetType(), options);
}
