using System.Diagnostics;
using TriageBot.Bots;

namespace TriageBot.Tests.Copilot;

/// <summary>The text of a Teams message body (messagePayload.body.content) for the message action.</summary>
public sealed class HtmlTextTests
{
    [Theory]
    [InlineData("<p>Sign-in address not found</p>", "Sign-in address not found")]
    [InlineData("<div><div>Lync says:<br>Server is <b>temporarily</b> unavailable</div></div>", "Lync says:\nServer is temporarily unavailable")]
    [InlineData("<p>A &amp; B &lt;p&gt; &quot;quoted&quot; &#39;x&#39; caf&eacute;&nbsp;ok</p>", "A & B <p> \"quoted\" 'x' café ok")]
    [InlineData("<p><at id=\"0\">TriageBot</at>&nbsp;help me</p>", "TriageBot help me")]
    [InlineData("<ul><li>one</li><li>two</li></ul>", "one\ntwo")]
    [InlineData("<pre><code>ERROR 0x80070057\n  at Lync.SignIn()</code></pre>", "ERROR 0x80070057\nat Lync.SignIn()")]
    [InlineData("<p>a < b and 3<4</p>", "a < b and 3<4")]
    [InlineData("<script>alert('x')</script><style>p{}</style><!-- note --><p>visible</p>", "visible")]
    [InlineData("<p>one</p><p></p><p></p><p>two</p>", "one\ntwo")]
    [InlineData("<img src=\"x.png\" alt=\"pic\"><attachment id=\"1\"></attachment>", "")]
    [InlineData("plain text, no tags", "plain text, no tags")]
    [InlineData("", "")]
    [InlineData(null, "")]
    [InlineData("<p>unclosed <b", "unclosed <b")]
    [InlineData("<scr<script>ipt>alert(1)</script>", "<scr")]
    public void ToPlainText_KeepsTheTextAndItsLines(string? html, string expected)
    {
        Assert.Equal(expected, HtmlText.ToPlainText(html));
    }

    [Fact]
    public void ToPlainText_EscapedMarkupStaysText_DecodedOnlyOnce()
    {
        Assert.Equal("&lt;b&gt; is not bold", HtmlText.ToPlainText("&amp;lt;b&amp;gt; is not bold"));
    }

    [Fact]
    public void FromText_DecodesEntitiesAndTidiesLines()
    {
        Assert.Equal("Server is temporarily unavailable\nsecond line", HtmlText.FromText("  Server is temporarily&nbsp;unavailable \r\n second line "));
    }

    [Fact]
    public void ToPlainText_HostileInput_IsLinearAndBounded()
    {
        var hostile = string.Concat(Enumerable.Repeat("<script><!--<b <p", 20_000)) + new string('<', 50_000);
        var clock = Stopwatch.StartNew();

        var text = HtmlText.ToPlainText(hostile);

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"took {clock.ElapsedMilliseconds} ms");
        Assert.True(text.Length <= HtmlText.MaxInput);
    }
}
