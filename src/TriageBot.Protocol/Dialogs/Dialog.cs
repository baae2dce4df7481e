using TriageBot.Protocol.Builder;

namespace TriageBot.Protocol.Dialogs;

/// <summary>
/// A unit of conversation that can span several turns. Its per-instance state lives in the
/// <see cref="DialogInstance"/> on the dialog stack, never in fields: one <see cref="Dialog"/> object
/// serves every conversation.
/// </summary>
public abstract class Dialog
{
    /// <summary>Returned by a dialog that waits for the user's next message.</summary>
    public static readonly DialogTurnResult EndOfTurn = new(DialogTurnStatus.Waiting);

    /// <summary>Creates a dialog with its id, unique within its <see cref="DialogSet"/>.</summary>
    protected Dialog(string dialogId)
    {
        ArgumentException.ThrowIfNullOrEmpty(dialogId);
        Id = dialogId;
    }

    /// <summary>The id the dialog is found by, and stored under on the stack.</summary>
    public string Id { get; }

    /// <summary>Called when the dialog is pushed onto the stack (its instance is already <see cref="DialogContext.ActiveDialog"/>).</summary>
    public abstract Task<DialogTurnResult> BeginDialogAsync(DialogContext dc, object? options = null, CancellationToken cancellationToken = default);

    /// <summary>Called with the user's next activity while this dialog is active. Default: ends the dialog.</summary>
    public virtual Task<DialogTurnResult> ContinueDialogAsync(DialogContext dc, CancellationToken cancellationToken = default) =>
        dc.EndDialogAsync(null, cancellationToken);

    /// <summary>
    /// Called when a child dialog this one started ended, with the child's result.
    /// Default: ends this dialog with that result.
    /// </summary>
    public virtual Task<DialogTurnResult> ResumeDialogAsync(DialogContext dc, DialogReason reason, object? result = null, CancellationToken cancellationToken = default) =>
        dc.EndDialogAsync(result, cancellationToken);

    /// <summary>Asks the user again for what the dialog is waiting for (after an interruption). Default: nothing.</summary>
    public virtual Task RepromptDialogAsync(ITurnContext turnContext, DialogInstance instance, CancellationToken cancellationToken = default) =>
        Task.CompletedTask;

    /// <summary>Called when the instance is removed from the stack (ended, replaced or cancelled). Default: nothing.</summary>
    public virtual Task EndDialogAsync(ITurnContext turnContext, DialogInstance instance, DialogReason reason, CancellationToken cancellationToken = default) =>
        Task.CompletedTask;
}

/// <summary>Where a dialog turn left the stack.</summary>
public enum DialogTurnStatus
{
    /// <summary>No dialog was active.</summary>
    Empty,

    /// <summary>A dialog is waiting for the user's next activity.</summary>
    Waiting,

    /// <summary>The last dialog on the stack ended; <see cref="DialogTurnResult.Result"/> is its result.</summary>
    Complete,

    /// <summary>The stack was cancelled.</summary>
    Cancelled,
}

/// <summary>Why a dialog is resumed or ended.</summary>
public enum DialogReason
{
    /// <summary>The dialog was just started.</summary>
    BeginCalled,

    /// <summary>The dialog is continued with a new activity.</summary>
    ContinueCalled,

    /// <summary>A child ended normally.</summary>
    EndCalled,

    /// <summary>The dialog was replaced by another one.</summary>
    ReplaceCalled,

    /// <summary>The stack was cancelled.</summary>
    CancelCalled,

    /// <summary>A waterfall step moved on with <see cref="WaterfallStepContext.NextAsync"/>.</summary>
    NextCalled,
}

/// <summary>The outcome of a dialog operation for the turn.</summary>
/// <param name="Status">Where the stack stands.</param>
/// <param name="Result">The ended dialog's result when <paramref name="Status"/> is <see cref="DialogTurnStatus.Complete"/>.</param>
public sealed record DialogTurnResult(DialogTurnStatus Status, object? Result = null);
