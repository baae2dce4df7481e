namespace TriageBot.Core.Knowledge.Parsing;

/// <summary>Helpers over document blocks.</summary>
public static class DocBlocks
{
    /// <summary>Every piece of text in the blocks, in reading order (list items, nested lists, table cells, notes).</summary>
    public static IEnumerable<RichText> Texts(IEnumerable<DocBlock> blocks)
    {
        foreach (var block in blocks)
        {
            switch (block)
            {
                case Parsing.ParagraphBlock p:
                    yield return p.Text;
                    break;
                case Parsing.ListBlock l:
                    foreach (var item in l.Items)
                    {
                        yield return item.Text;
                        foreach (var t in Texts(item.Children))
                        {
                            yield return t;
                        }
                    }
                    break;
                case TableBlock t:
                    foreach (var cell in t.Header.Concat(t.Rows.SelectMany(r => r)))
                    {
                        yield return cell;
                    }
                    break;
                case NoteBlock n:
                    foreach (var t in Texts(n.Blocks))
                    {
                        yield return t;
                    }
                    break;
            }
        }
    }
}
