using System.Globalization;

namespace TriageBot.Protocol.Dialogs;

/// <summary>
/// A dialog that runs its steps in order: each step typically asks something (a prompt) and the next
/// step receives the answer in <see cref="WaterfallStepContext.Result"/>. Ends after the last step with
/// that step's result.
/// </summary>
/// <remarks>State: <c>stepIndex</c>, <c>options</c>, <c>values</c>. Step indexes are positions, so changing the order of steps breaks conversations saved mid-dialog.</remarks>
public class WaterfallDialog : Dialog
{
    private const string StepIndexKey = "stepIndex";
    private const string OptionsKey = "options";
    private const string ValuesKey = "values";

    private readonly List<Func<WaterfallStepContext, CancellationToken, Task<DialogTurnResult>>> _steps;

    /// <summary>Creates the dialog with its steps.</summary>
    public WaterfallDialog(string dialogId, IEnumerable<Func<WaterfallStepContext, CancellationToken, Task<DialogTurnResult>>>? steps = null)
        : base(dialogId)
    {
        _steps = steps?.ToList() ?? [];
        if (_steps.Any(step => step is null))
        {
            throw new ArgumentException("A waterfall step is null.", nameof(steps));
        }
    }

    /// <summary>Appends a step.</summary>
    public WaterfallDialog AddStep(Func<WaterfallStepContext, CancellationToken, Task<DialogTurnResult>> step)
    {
        ArgumentNullException.ThrowIfNull(step);
        _steps.Add(step);
        return this;
    }

    /// <inheritdoc />
    public override Task<DialogTurnResult> BeginDialogAsync(DialogContext dc, object? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dc);
        var state = dc.ActiveDialog!.State;
        state[OptionsKey] = options;
        state[ValuesKey] = new Dictionary<string, object?>(StringComparer.Ordinal);
        return RunStepAsync(dc, 0, DialogReason.BeginCalled, null, cancellationToken);
    }

    /// <summary>The user answered while a step waited without a prompt: the next step runs with the message text as its result.</summary>
    public override Task<DialogTurnResult> ContinueDialogAsync(DialogContext dc, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dc);
        return dc.Context.Activity.Type == Schema.ActivityTypes.Message
            ? ResumeDialogAsync(dc, DialogReason.ContinueCalled, dc.Context.Activity.Text, cancellationToken)
            : Task.FromResult(EndOfTurn);
    }

    /// <summary>A child (usually a prompt) ended: the next step runs with its result.</summary>
    public override Task<DialogTurnResult> ResumeDialogAsync(DialogContext dc, DialogReason reason, object? result = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dc);

        // Not a cast: stored as int, the index comes back from storage as Int64 (see DialogStateConverter).
        var index = Convert.ToInt32(dc.ActiveDialog!.State[StepIndexKey], CultureInfo.InvariantCulture);
        return RunStepAsync(dc, index + 1, reason, result, cancellationToken);
    }

    internal async Task<DialogTurnResult> RunStepAsync(DialogContext dc, int index, DialogReason reason, object? result, CancellationToken cancellationToken)
    {
        if (index >= _steps.Count)
        {
            return await dc.EndDialogAsync(result, cancellationToken).ConfigureAwait(false);
        }

        var state = dc.ActiveDialog!.State;
        state[StepIndexKey] = index;
        var values = state.TryGetValue(ValuesKey, out var stored) && stored is IDictionary<string, object?> existing
            ? existing
            : (IDictionary<string, object?>)(state[ValuesKey] = new Dictionary<string, object?>(StringComparer.Ordinal));
        var stepContext = new WaterfallStepContext(this, dc, state.GetOrNull(OptionsKey), values, index, reason, result);
        return await _steps[index](stepContext, cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>What a waterfall step sees; also a <see cref="DialogContext"/> over the same stack (to prompt or begin children).</summary>
public class WaterfallStepContext : DialogContext
{
    private readonly WaterfallDialog _parent;
    private bool _nextCalled;

    internal WaterfallStepContext(WaterfallDialog parent, DialogContext dc, object? options, IDictionary<string, object?> values, int index, DialogReason reason, object? result)
        : base(dc)
    {
        _parent = parent;
        Options = options;
        Values = values;
        Index = index;
        Reason = reason;
        Result = result;
    }

    /// <summary>Zero-based position of this step.</summary>
    public int Index { get; }

    /// <summary>
    /// The options the waterfall was begun with. On later turns, an object comes back from storage as a
    /// dictionary: read it with <see cref="DialogStateConverter.ConvertTo{T}"/>.
    /// </summary>
    public object? Options { get; }

    /// <summary>Why the step runs.</summary>
    public DialogReason Reason { get; }

    /// <summary>The previous step's outcome: the ended child's (prompt's) result, or the user's text.</summary>
    public object? Result { get; }

    /// <summary>Values kept across this waterfall's steps and turns (persisted; numbers come back as Int64).</summary>
    public IDictionary<string, object?> Values { get; }

    /// <summary>Skips to the next step now, passing it <paramref name="result"/> (at most once per step).</summary>
    public Task<DialogTurnResult> NextAsync(object? result = null, CancellationToken cancellationToken = default)
    {
        if (_nextCalled)
        {
            throw new InvalidOperationException($"NextAsync was already called in step {Index} of '{_parent.Id}'.");
        }

        _nextCalled = true;
        return _parent.RunStepAsync(this, Index + 1, DialogReason.NextCalled, result, cancellationToken);
    }
}
