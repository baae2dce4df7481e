using TriageBot.Protocol.Builder;

namespace TriageBot.Protocol.Dialogs;

/// <summary>The one entry point a bot calls per turn to drive a dialog.</summary>
public static class DialogExtensions
{
    /// <summary>
    /// Runs <paramref name="dialog"/> for this turn: continues the active dialog when the conversation
    /// has one, otherwise begins <paramref name="dialog"/>. Saving is the caller's job: call the state's
    /// <c>SaveChangesAsync</c> once at the end of the turn.
    /// </summary>
    /// <returns>
    /// <see cref="DialogTurnStatus.Waiting"/> while the dialog waits for the user,
    /// <see cref="DialogTurnStatus.Complete"/> with the root dialog's result when it ended this turn,
    /// <see cref="DialogTurnStatus.Cancelled"/> when the stack was cancelled.
    /// </returns>
    public static async Task<DialogTurnResult> RunAsync(this Dialog dialog, ITurnContext turnContext, IStatePropertyAccessor<DialogState> accessor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dialog);
        ArgumentNullException.ThrowIfNull(turnContext);
        ArgumentNullException.ThrowIfNull(accessor);

        var dialogSet = new DialogSet(accessor).Add(dialog);
        var dc = await dialogSet.CreateContextAsync(turnContext, cancellationToken).ConfigureAwait(false);
        var result = await dc.ContinueDialogAsync(cancellationToken).ConfigureAwait(false);
        if (result.Status == DialogTurnStatus.Empty)
        {
            result = await dc.BeginDialogAsync(dialog.Id, null, cancellationToken).ConfigureAwait(false);
        }

        return result;
    }
}
