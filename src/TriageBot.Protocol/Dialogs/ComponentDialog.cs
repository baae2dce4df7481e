using TriageBot.Protocol.Builder;

namespace TriageBot.Protocol.Dialogs;

/// <summary>
/// A dialog made of other dialogs with its own inner stack, kept in its instance state. Override
/// <see cref="OnContinueDialogAsync"/> to see every message before the inner dialogs do: the one place to
/// handle interruptions such as "help" or "cancel".
/// </summary>
/// <remarks>
/// When the inner stack reports <see cref="DialogTurnStatus.Cancelled"/> (e.g. the hook returned
/// <c>innerDc.CancelAllDialogsAsync()</c>), the component cancels the stack it sits on as well, so "cancel"
/// ends the whole conversation's dialogs and <see cref="DialogExtensions.RunAsync"/> reports Cancelled.
/// (The SDK ends only the component unless asked to cancel parents; here cancelling is always total.)
/// </remarks>
public class ComponentDialog : Dialog
{
    private const string InnerStateKey = "dialogs";

    /// <summary>Creates the component.</summary>
    public ComponentDialog(string dialogId)
        : base(dialogId)
    {
    }

    /// <summary>The dialog started when the component begins; defaults to the first dialog added.</summary>
    public string? InitialDialogId { get; set; }

    /// <summary>The inner dialogs.</summary>
    public DialogSet Dialogs { get; } = new();

    /// <summary>Adds an inner dialog (the first one becomes <see cref="InitialDialogId"/> unless set).</summary>
    public ComponentDialog AddDialog(Dialog dialog)
    {
        Dialogs.Add(dialog);
        InitialDialogId ??= dialog.Id;
        return this;
    }

    /// <summary>Finds an inner dialog by id.</summary>
    public Dialog? FindDialog(string dialogId) => Dialogs.Find(dialogId);

    /// <inheritdoc />
    public override async Task<DialogTurnResult> BeginDialogAsync(DialogContext dc, object? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dc);
        var innerDc = CreateInnerDc(dc, dc.ActiveDialog!);
        var turnResult = await OnBeginDialogAsync(innerDc, options, cancellationToken).ConfigureAwait(false);
        return await AfterInnerTurnAsync(dc, turnResult, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public override async Task<DialogTurnResult> ContinueDialogAsync(DialogContext dc, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dc);
        var innerDc = CreateInnerDc(dc, dc.ActiveDialog!);
        var turnResult = await OnContinueDialogAsync(innerDc, cancellationToken).ConfigureAwait(false);
        return await AfterInnerTurnAsync(dc, turnResult, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Something the component pushed on the outer stack above itself ended. Components are normally
    /// leaves of the outer stack, so this just re-asks the inner active dialog's question.
    /// </summary>
    public override async Task<DialogTurnResult> ResumeDialogAsync(DialogContext dc, DialogReason reason, object? result = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dc);
        await RepromptDialogAsync(dc.Context, dc.ActiveDialog!, cancellationToken).ConfigureAwait(false);
        return EndOfTurn;
    }

    /// <inheritdoc />
    public override Task RepromptDialogAsync(ITurnContext turnContext, DialogInstance instance, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(instance);
        return CreateInnerDc(turnContext, instance).RepromptDialogAsync(cancellationToken);
    }

    /// <summary>Cancelled from outside: cancels the inner stack so its dialogs get their end notification.</summary>
    public override async Task EndDialogAsync(ITurnContext turnContext, DialogInstance instance, DialogReason reason, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(instance);
        if (reason == DialogReason.CancelCalled)
        {
            await CreateInnerDc(turnContext, instance).CancelAllDialogsAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Starts the inner stack. Default: begins <see cref="InitialDialogId"/> with the options.</summary>
    protected virtual Task<DialogTurnResult> OnBeginDialogAsync(DialogContext innerDc, object? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(innerDc);
        var initial = InitialDialogId ?? throw new InvalidOperationException($"Component '{Id}' has no dialogs: call AddDialog first.");
        return innerDc.BeginDialogAsync(initial, options, cancellationToken);
    }

    /// <summary>
    /// Handles a message for the inner stack. Default: continues the inner active dialog. Override to
    /// intercept interruptions, then call the base for everything else.
    /// </summary>
    protected virtual Task<DialogTurnResult> OnContinueDialogAsync(DialogContext innerDc, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(innerDc);
        return innerDc.ContinueDialogAsync(cancellationToken);
    }

    /// <summary>Ends the component with the inner stack's result. Default: <see cref="DialogContext.EndDialogAsync"/> on the outer stack.</summary>
    protected virtual Task<DialogTurnResult> EndComponentAsync(DialogContext outerDc, object? result, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outerDc);
        return outerDc.EndDialogAsync(result, cancellationToken);
    }

    private async Task<DialogTurnResult> AfterInnerTurnAsync(DialogContext outerDc, DialogTurnResult turnResult, CancellationToken cancellationToken) =>
        turnResult.Status switch
        {
            DialogTurnStatus.Waiting => EndOfTurn,
            DialogTurnStatus.Cancelled => await outerDc.CancelAllDialogsAsync(cancellationToken).ConfigureAwait(false),
            _ => await EndComponentAsync(outerDc, turnResult.Result, cancellationToken).ConfigureAwait(false),
        };

    private DialogContext CreateInnerDc(DialogContext outerDc, DialogInstance instance) =>
        new(Dialogs, outerDc, InnerState(instance));

    private DialogContext CreateInnerDc(ITurnContext turnContext, DialogInstance instance) =>
        new(Dialogs, turnContext, InnerState(instance));

    private static DialogState InnerState(DialogInstance instance)
    {
        // After a storage round trip the inner stack is a plain dictionary (no type names are stored):
        // convert it back once and keep the typed object so this turn's changes land in it.
        var stored = instance.State.GetOrNull(InnerStateKey);
        var state = stored as DialogState ?? DialogStateConverter.ToDialogState(stored) ?? new DialogState();
        instance.State[InnerStateKey] = state;
        return state;
    }
}
