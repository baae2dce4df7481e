using System.Text;

namespace TriageBot.Benchmarks;

/// <summary>The kinds of paste the bot sees, one representative each (see tests/.../cases.jsonl for the full set).</summary>
public enum Paste
{
    Exact,
    Fragment,
    Chatty,
    Typo,
    Description,
    Chinese,
    German,
    OutOfScope,
    LongLog,
}

internal static class SampleInputs
{
    public const int LongLogLines = 2_000;

    /// <summary>The line of the long log (0-based) that carries the documented error.</summary>
    public const int LongLogErrorLine = 1_337;

    public const string LongLogError =
        "2024-03-01 09:41:07.512 ERROR [SignIn] There was a problem verifying the certificate from the server. Sign-in may be delayed while we retry the connection.";

    public static string Text(Paste paste) => paste switch
    {
        Paste.Exact => "There was a problem acquiring a personal certificate required to sign in. If the problem continues, please contact your support team.",
        Paste.Fragment => "personal certificate required to sign in",
        Paste.Chatty => "hi team, urgent!! [2024-03-01 09:12:03] skype for business won't let me in, it says: Sign-in address not found. can someone look asap? thx",
        Paste.Typo => "The server is temporarly unavailable. Or we're having trouble conecting to the server.",
        Paste.Description => "the time on my pc is about 10 minutes behind and now skype for business refuses to log in",
        Paste.Chinese => "早上好，登录 Skype for Business 的时候提示：获取登录所需的个人证书时出现问题。如果此问题仍然存在，请与支持团队联系。怎么办？",
        Paste.German => "Hallo zusammen, seit heute früh kommt: Der Server ist vorübergehend nicht verfügbar. Wenden Sie sich an Ihr Supportteam, falls das Problem weiterhin besteht.",
        Paste.OutOfScope => "outlook keeps prompting for credentials every 5 minutes since the mailbox migration",
        Paste.LongLog => LongLog(),
        _ => throw new ArgumentOutOfRangeException(nameof(paste), paste, null),
    };

    /// <summary>
    /// A client log of <see cref="LongLogLines"/> lines, generated from a fixed seed: routine lines
    /// (some of which use words the catalog knows, such as server, connection, certificate, DNS),
    /// and the documented error on line <see cref="LongLogErrorLine"/>.
    /// </summary>
    public static string LongLog()
    {
        var random = new Random(20240301);
        string[] levels = ["INFO ", "INFO ", "INFO ", "DEBUG", "DEBUG", "WARN "];
        string[] components = ["Http", "Presence", "Audio", "Video", "Cache", "UI", "Ucwa", "Sip", "Dns", "Telemetry", "Contacts", "Calendar"];
        string[] messages =
        [
            "GET https://webdir.online.lync.com/autodiscover/autodiscoverservice.svc/root?originalDomain=contoso.com 200 in {0} ms",
            "presence state changed to Available (activity={0})",
            "audio device enumerated: Headset Microphone (USB Audio Device) id={1}",
            "video frame rate adjusted to {0} fps",
            "cache hit for key contact/{1}",
            "rendering conversation window {1} took {0} ms",
            "polling event channel /ucwa/oauth/v1/applications/{1}/events ack={0}",
            "SIP keep-alive sent to sipfed.online.lync.com:5061 seq={0}",
            "resolved lyncdiscover.contoso.com to 52.112.{0}.{0} ttl=300",
            "uploaded {0} telemetry events batch={1}",
            "contact list sync completed: {0} contacts, {0} groups",
            "calendar free/busy refreshed for {0} meetings",
            "connection pool stats: active={0} idle={0}",
            "certificate store opened: CurrentUser\\My ({0} items)",
            "retrying request {1} after {0} ms backoff",
            "user interface idle for {0} s",
        ];
        var start = new DateTime(2024, 3, 1, 8, 0, 0, DateTimeKind.Unspecified);
        var sb = new StringBuilder(LongLogLines * 110);
        for (var i = 0; i < LongLogLines; i++)
        {
            if (i == LongLogErrorLine)
            {
                sb.Append(LongLogError).Append('\n');
                continue;
            }
            var time = start.AddMilliseconds(i * 1_700 + random.Next(1_000));
            var message = string.Format(
                System.Globalization.CultureInfo.InvariantCulture,
                messages[random.Next(messages.Length)],
                random.Next(1, 250),
                random.Next().ToString("x8", System.Globalization.CultureInfo.InvariantCulture));
            sb.Append(time.ToString("yyyy-MM-dd HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture))
                .Append(' ').Append(levels[random.Next(levels.Length)])
                .Append(" [").Append(components[random.Next(components.Length)]).Append("] ")
                .Append(message).Append('\n');
        }
        return sb.ToString();
    }
}
