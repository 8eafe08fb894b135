/**
 * The lexer reproduces ANTLR's longest-match rule over GrammarLexer.g4, including its surprising consequences.
 */
import { describe, expect, it } from 'vitest';
import { tokenize } from './lexer';

/** `KIND:text` for every token except EOF. */
function lex(text: string): string[] {
  return tokenize(text).filter((t) => t.kind !== 'EOF').map((t) => `${t.kind}:${t.text}`);
}

describe('tokenize', () => {
  it.each([
    // keywords: SELECT FROM WHERE INTO AND OR NOT in any case; true/false/null/undefined lower case only
    ['FROM from From fRoM', ['FROM:FROM', 'FROM:from', 'FROM:From', 'FROM:fRoM']],
    ['select Where into', ['SELECT:select', 'WHERE:Where', 'INTO:into']],
    ['and OR Not', ['AND:and', 'OR:OR', 'NOT:Not']],
    ['true false null undefined', ['TRUE:true', 'FALSE:false', 'NULL:null', 'UNDEFINED:undefined']],
    ['True NULL Undefined', ['ID:True', 'ID:NULL', 'ID:Undefined']],
    // a longer identifier beats a keyword
    ['FROMx INTO$upstream SELECT*', ['ID:FROMx', 'ID:INTO$upstream', 'ID:SELECT*']],
    ['android notable', ['ID:android', 'ID:notable']],
    // identifiers swallow operator characters that are not excluded
    ['a+1 3*4 -x a||b x%2', ['ID:a+1', 'ID:3*4', 'ID:-x', 'ID:a||b', 'ID:x%2']],
    ["'a'||'b'", ["ID:'a'||'b'"]],
    ["'a' || 'b'", ["STRING:'a'", 'CONCAT:||', "STRING:'b'"]],
    ['a - 5', ['ID:a', 'MINUS:-', 'INTEGER:5']],
    ['a -5', ['ID:a', 'INTEGER:-5']],
    ['1 - -2', ['INTEGER:1', 'MINUS:-', 'INTEGER:-2']],
    // numbers
    ['100 0100 -7', ['INTEGER:100', 'INTEGER:0100', 'INTEGER:-7']],
    ['0xDEADBEEF 0Xff', ['HEX:0xDEADBEEF', 'HEX:0Xff']],
    ['12.34 .5 1e3 1.234e-1 -1.5E+2', ['REAL:12.34', 'REAL:.5', 'REAL:1e3', 'REAL:1.234e-1', 'REAL:-1.5E+2']],
    ['1. 1.5e 12abc', ['ID:1.', 'ID:1.5e', 'ID:12abc']],
    // strings and escapes
    [`"a" 'b' "it's"`, ['STRING:"a"', "STRING:'b'", `STRING:"it's"`]],
    [String.raw`"he said \"hi\"" 'a\'b' "\u00FC\\"`, [String.raw`STRING:"he said \"hi\""`, String.raw`STRING:'a\'b'`, String.raw`STRING:"\u00FC\\"`]],
    ['"abc', ['UNTERMINATED_STRING:"abc']],
    [String.raw`'a\nb'`, ["UNTERMINATED_STRING:'a", 'UNKNOWN:\\', 'ID:nb\'']],
    // properties
    ['$contentType $body.a.b[0] {$sys}', ['SYS_PROP:$contentType', 'SYS_PROP:$body.a.b[0]', 'LBRACE:{', 'SYS_PROP:$sys', 'RBRACE:}']],
    ['$ x', ['ID:$', 'ID:x']],
    ['a[0] [32]', ['QUERY_PATH:a[0]', 'QUERY_PATH:[32]']],
    // operators
    ['= != <> <= >= < > ?? ( ) ,', ['EQ:=', 'NE1:!=', 'NE2:<>', 'LE:<=', 'GE:>=', 'LT:<', 'GT:>', 'COALESCE:??', 'LPAREN:(', 'RPAREN:)', 'COMMA:,']],
    ['a==b', ['ID:a', 'EQ:=', 'EQ:=', 'ID:b']],
    ['@ ? ; :', ['UNKNOWN:@', 'UNKNOWN:?', 'UNKNOWN:;', 'UNKNOWN::']],
    // comments only when a closing */ follows; otherwise '/' '*'
    ['a /* note */ b', ['ID:a', 'ID:b']],
    ['FROM /* INTO $upstream', ['FROM:FROM', 'DIV:/', 'MUL:*', 'INTO:INTO', 'SYS_PROP:$upstream']],
    ['/messages/modules/*/outputs/* INTO', ['DIV:/', 'ID:messages', 'DIV:/', 'ID:modules', 'DIV:/', 'MUL:*', 'DIV:/', 'ID:outputs', 'DIV:/', 'MUL:*', 'INTO:INTO']],
    ['/m1* \t\r\n', ['DIV:/', 'ID:m1*']],
  ])('%s', (text, expected) => {
    expect(lex(text)).toEqual(expected);
  });

  it('records 0-based offsets and ends with EOF', () => {
    const tokens = tokenize('FROM  /x');
    expect(tokens.map((t) => [t.kind, t.start, t.end])).toEqual([
      ['FROM', 0, 4],
      ['DIV', 6, 7],
      ['ID', 7, 8],
      ['EOF', 8, 8],
    ]);
  });

  it('lets a comment swallow a path when a later */ closes it', () => {
    expect(lex('FROM /* WHERE a = 1 /* x */ INTO $upstream')).toEqual(['FROM:FROM', 'INTO:INTO', 'SYS_PROP:$upstream']);
  });
});
