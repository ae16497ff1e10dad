// Token routes' request and response bodies.
import { ApiProperty } from '@nestjs/swagger';
import { IsIn, Matches } from 'class-validator';
import type { NewTokenView, TokenRole, TokenView } from '../../../../libs/protocol/src/index.js';

export class CreateTokenDto {
  @ApiProperty({ description: 'Unique name: letters, digits, dash, underscore (1-40)', example: 'ci-reader' })
  @Matches(/^[A-Za-z0-9_-]{1,40}$/, { message: 'name must be 1-40 letters, digits, dashes or underscores' })
  name!: string;

  @ApiProperty({ enum: ['admin', 'read'], description: 'admin: everything; read: GET routes and watching consoles' })
  @IsIn(['admin', 'read'], { message: 'role must be "admin" or "read"' })
  role!: TokenRole;
}

export class TokenDto implements TokenView {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ['admin', 'read'] }) role!: TokenRole;
  @ApiProperty({ description: 'First characters of the token' }) prefix!: string;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ type: String, nullable: true }) lastUsedAt!: string | null;
}

export class NewTokenDto extends TokenDto implements NewTokenView {
  @ApiProperty({ description: 'The token: shown only now, the server keeps its hash' }) token!: string;
}
