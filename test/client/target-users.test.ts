import { formatIssue } from '../../src/client/list-file';
import { parseTargetUsers } from '../../src/client/target-users';

describe('parseTargetUsers', () => {
  it('when a CSV has email, username and display name in any case, then users are read', () => {
    const text =
      '\uFEFFEmail,UserName,Display Name\r\n Jane@Corp.example ,jdoe,"Doe, Jane"\r\nbob@corp.example,,\r\n';
    expect(parseTargetUsers(text)).toEqual({
      users: [
        { email: 'Jane@Corp.example', username: 'jdoe', displayName: 'Doe, Jane' },
        { email: 'bob@corp.example' },
      ],
      errors: [],
      warnings: [],
    });
  });

  it('when rows are bad, then every problem names its line and field', () => {
    const text = [
      'email,username,team',
      'jane@corp.example,jdoe,a',
      'JANE@corp.example,jane2,b',
      'bob@,bob,c',
      ',carol,d',
      'dave@corp.example,JDOE,e',
      'erin@corp.example,erin poe,f',
    ].join('\n');
    const { users, errors, warnings } = parseTargetUsers(text, 'users.csv');
    expect(users).toEqual([{ email: 'jane@corp.example', username: 'jdoe' }]);
    expect(errors.map((e) => formatIssue(e, 'users.csv'))).toEqual([
      'users.csv line 3, email: "JANE@corp.example" is also on line 2',
      'users.csv line 4, email: "bob@" is not an email address',
      'users.csv line 5, email: is empty',
      'users.csv line 6, username: "JDOE" is also on line 2',
      'users.csv line 7, username: "erin poe" must not contain spaces',
    ]);
    expect(warnings).toEqual([{ line: 1, field: 'team', message: 'unknown column, ignored' }]);
  });

  it('when a JSON array is given, then items are read and bad items named by index', () => {
    const text = JSON.stringify([{ email: 'jane@corp.example', display_name: 'Jane' }, { username: 'x' }]);
    const { users, errors } = parseTargetUsers(text, 'users.json');
    expect(users).toEqual([{ email: 'jane@corp.example', displayName: 'Jane' }]);
    expect(errors).toEqual([{ line: 2, unit: 'item', field: 'email', message: 'is empty' }]);
  });

  it('when the email column is missing, then one error names it', () => {
    expect(parseTargetUsers('mail,username\na@b.io,a\n').errors).toEqual([
      { line: 1, field: 'email', message: 'required column is missing' },
    ]);
  });
});
