namespace TriageBot.Protocol.Builder;

/// <summary>
/// Thrown by a networked <see cref="IStorage"/> when its server cannot be reached or does not answer in
/// time (connection refused, connect or command timeout, server shutting down). The operation did not
/// complete, or its outcome is unknown; trying again later may succeed.
/// </summary>
public class StorageUnavailableException : Exception
{
    /// <summary>Creates the exception with a message that says which storage could not be reached.</summary>
    public StorageUnavailableException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
