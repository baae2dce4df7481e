using TriageBot.Protocol.Builder;

namespace TriageBot.Protocol.Dialogs;

/// <summary>Drives one dialog stack for the current turn: starts, continues, ends and cancels dialogs.</summary>
public class DialogContext
{
    /// <summary>Creates the context of a root stack.</summary>
    public DialogContext(DialogSet dialogs, ITurnContext turnContext, DialogState state)
    {
        Dialogs = dialogs ?? throw new ArgumentNullException(nameof(dialogs));
        Context = turnContext ?? throw new ArgumentNullException(nameof(turnContext));
        State = state ?? throw new ArgumentNullException(nameof(state));
    }

    /// <summary>Creates the context of a stack nested in <paramref name="parentDialogContext"/>'s active dialog (a component's inner stack).</summary>
    public DialogContext(DialogSet dialogs, DialogContext parentDialogContext, DialogState state)
        : this(dialogs, parentDialogContext?.Context!, state)
    {
        Parent = parentDialogContext ?? throw new ArgumentNullException(nameof(parentDialogContext));
    }

    /// <summary>Creates a context over the same stack, set and parent as <paramref name="dialogContext"/> (used by <see cref="WaterfallStepContext"/>).</summary>
    protected DialogContext(DialogContext dialogContext)
        : this(dialogContext?.Dialogs!, dialogContext?.Context!, dialogContext?.State!)
    {
        Parent = dialogContext!.Parent;
    }

    /// <summary>The dialogs this context can start (its parents' dialogs are found too).</summary>
    public DialogSet Dialogs { get; }

    /// <summary>The turn.</summary>
    public ITurnContext Context { get; }

    /// <summary>The context of the enclosing stack, or null at the root.</summary>
    public DialogContext? Parent { get; }

    /// <summary>The stack, top (active dialog) first.</summary>
    public IList<DialogInstance> Stack => State.DialogStack;

    /// <summary>The top of the stack, or null when no dialog is active.</summary>
    public DialogInstance? ActiveDialog => State.DialogStack.Count > 0 ? State.DialogStack[0] : null;

    /// <summary>The persisted stack.</summary>
    protected internal DialogState State { get; }

    /// <summary>Pushes the dialog <paramref name="dialogId"/> and begins it with <paramref name="options"/>.</summary>
    public async Task<DialogTurnResult> BeginDialogAsync(string dialogId, object? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(dialogId);
        var dialog = FindDialog(dialogId)
            ?? throw new InvalidOperationException($"Dialog '{dialogId}' was not found in this DialogSet or its parents. Add it first.");
        State.DialogStack.Insert(0, new DialogInstance { Id = dialogId });
        return await dialog.BeginDialogAsync(this, options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Begins a prompt (shorthand for <see cref="BeginDialogAsync"/> with <see cref="PromptOptions"/>).</summary>
    public Task<DialogTurnResult> PromptAsync(string dialogId, PromptOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        return BeginDialogAsync(dialogId, options, cancellationToken);
    }

    /// <summary>Passes the turn's activity to the active dialog; <see cref="DialogTurnStatus.Empty"/> when there is none.</summary>
    public async Task<DialogTurnResult> ContinueDialogAsync(CancellationToken cancellationToken = default)
    {
        if (ActiveDialog is not { } instance)
        {
            return new DialogTurnResult(DialogTurnStatus.Empty);
        }

        var dialog = FindActive(instance);
        return await dialog.ContinueDialogAsync(this, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Ends the active dialog with <paramref name="result"/> and resumes the dialog below it with that
    /// result; when none is left, returns <see cref="DialogTurnStatus.Complete"/> with the result.
    /// </summary>
    public async Task<DialogTurnResult> EndDialogAsync(object? result = null, CancellationToken cancellationToken = default)
    {
        await EndActiveDialogAsync(DialogReason.EndCalled, cancellationToken).ConfigureAwait(false);
        if (ActiveDialog is { } parent)
        {
            return await FindActive(parent).ResumeDialogAsync(this, DialogReason.EndCalled, result, cancellationToken).ConfigureAwait(false);
        }

        return new DialogTurnResult(DialogTurnStatus.Complete, result);
    }

    /// <summary>Ends the active dialog and begins <paramref name="dialogId"/> in its place (loops, restarts) without resuming the parent.</summary>
    public async Task<DialogTurnResult> ReplaceDialogAsync(string dialogId, object? options = null, CancellationToken cancellationToken = default)
    {
        await EndActiveDialogAsync(DialogReason.ReplaceCalled, cancellationToken).ConfigureAwait(false);
        return await BeginDialogAsync(dialogId, options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Ends every dialog on this stack (each gets <see cref="DialogReason.CancelCalled"/>). Returns
    /// <see cref="DialogTurnStatus.Cancelled"/>, or <see cref="DialogTurnStatus.Empty"/> when nothing was active.
    /// Called on a component's inner stack, the component then cancels its own stack too (see <see cref="ComponentDialog"/>).
    /// </summary>
    public async Task<DialogTurnResult> CancelAllDialogsAsync(CancellationToken cancellationToken = default)
    {
        if (ActiveDialog is null)
        {
            return new DialogTurnResult(DialogTurnStatus.Empty);
        }

        while (ActiveDialog is not null)
        {
            await EndActiveDialogAsync(DialogReason.CancelCalled, cancellationToken).ConfigureAwait(false);
        }

        return new DialogTurnResult(DialogTurnStatus.Cancelled);
    }

    /// <summary>Asks the active dialog to repeat its question (after an interruption such as "help").</summary>
    public Task RepromptDialogAsync(CancellationToken cancellationToken = default) =>
        ActiveDialog is { } instance
            ? FindActive(instance).RepromptDialogAsync(Context, instance, cancellationToken)
            : Task.CompletedTask;

    /// <summary>Finds a dialog by id in this context's set, then in its parents'.</summary>
    public Dialog? FindDialog(string dialogId) => Dialogs.Find(dialogId) ?? Parent?.FindDialog(dialogId);

    private Dialog FindActive(DialogInstance instance) =>
        FindDialog(instance.Id)
        ?? throw new InvalidOperationException($"The stack holds dialog '{instance.Id}', which is not in this DialogSet (renamed or removed since the state was saved?).");

    private async Task EndActiveDialogAsync(DialogReason reason, CancellationToken cancellationToken)
    {
        if (ActiveDialog is not { } instance)
        {
            return;
        }

        // Pop first: a dialog's EndDialogAsync must not see itself as still active.
        State.DialogStack.RemoveAt(0);
        if (FindDialog(instance.Id) is { } dialog)
        {
            await dialog.EndDialogAsync(Context, instance, reason, cancellationToken).ConfigureAwait(false);
        }
    }
}
