using TriageBot.Protocol.Dialogs;

namespace TriageBot.Protocol.Tests.Dialogs;

/// <summary>A component holding the given dialogs; the first is the initial one.</summary>
internal class TestComponent : ComponentDialog
{
    public TestComponent(string id, params Dialog[] dialogs)
        : base(id)
    {
        foreach (var dialog in dialogs)
        {
            AddDialog(dialog);
        }
    }
}

/// <summary>
/// The interruption dialog (BotBuilder-Samples' CancelAndHelpDialog): "cancel" ends every dialog from
/// any step, "help" answers and asks the current question again.
/// </summary>
internal sealed class CancelAndHelpDialog(string id, params Dialog[] dialogs) : TestComponent(id, dialogs)
{
    protected override async Task<DialogTurnResult> OnContinueDialogAsync(DialogContext innerDc, CancellationToken cancellationToken)
    {
        switch (innerDc.Context.Activity.Text?.Trim().ToLowerInvariant())
        {
            case "cancel":
                await innerDc.Context.SendActivityAsync("Cancelled.", cancellationToken);
                return await innerDc.CancelAllDialogsAsync(cancellationToken);
            case "help":
                await innerDc.Context.SendActivityAsync("Answer the question, or say cancel.", cancellationToken);
                await innerDc.RepromptDialogAsync(cancellationToken);
                return Dialog.EndOfTurn;
            default:
                return await base.OnContinueDialogAsync(innerDc, cancellationToken);
        }
    }
}
