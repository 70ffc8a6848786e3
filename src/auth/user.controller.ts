import { Body, Controller, Get, Param, ParseIntPipe, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AccountService, viewOf } from './account.service';
import { CreateUserDto, UpdateUserDto } from './auth.dto';
import { Audited, Roles } from './roles.decorator';
import { UserService } from './user.service';

/** People's accounts, kept by admins. */
@ApiTags('auth')
@ApiBearerAuth()
@Controller('api/users')
export class UserController {
  constructor(
    private readonly accounts: AccountService,
    private readonly users: UserService,
  ) {}

  @Get()
  @ApiOperation({ summary: "People's accounts: login, name, role, state, scope and sign-in facts (never a password)" })
  @Roles('admin')
  async list() {
    return (await this.users.list()).map(viewOf);
  }

  @Post()
  @ApiOperation({ summary: "Creates a person's account with a role, an optional scope and a first password" })
  @Roles('admin')
  @Audited('user.create')
  async create(@Body() dto: CreateUserDto) {
    const { user, oneTimePassword } = await this.accounts.create(dto);
    return { ...viewOf(user), one_time_password: oneTimePassword };
  }

  @Patch(':id')
  @ApiOperation({ summary: "Changes a person's name, role, scope or state (disable, enable)" })
  @Roles('admin')
  @Audited('user.update')
  async update(@Param('id', ParseIntPipe) id: number, @Body() dto: UpdateUserDto) {
    return viewOf(await this.accounts.update(id, dto));
  }

  @Post(':id/reset-password')
  @ApiOperation({ summary: 'Sets a new password for a person, who must change it at the next login' })
  @Roles('admin')
  @Audited('user.reset_password')
  async resetPassword(@Param('id', ParseIntPipe) id: number) {
    const { user, oneTimePassword } = await this.accounts.resetPassword(id);
    return { ...viewOf(user), one_time_password: oneTimePassword };
  }
}
