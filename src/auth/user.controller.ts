import { Body, Controller, Get, Param, ParseIntPipe, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
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
  @Roles('admin')
  async list() {
    return (await this.users.list()).map(viewOf);
  }

  @Post()
  @Roles('admin')
  @Audited('user.create')
  async create(@Body() dto: CreateUserDto) {
    const { user, oneTimePassword } = await this.accounts.create(dto);
    return { ...viewOf(user), one_time_password: oneTimePassword };
  }

  @Patch(':id')
  @Roles('admin')
  @Audited('user.update')
  async update(@Param('id', ParseIntPipe) id: number, @Body() dto: UpdateUserDto) {
    return viewOf(await this.accounts.update(id, dto));
  }

  @Post(':id/reset-password')
  @Roles('admin')
  @Audited('user.reset_password')
  async resetPassword(@Param('id', ParseIntPipe) id: number) {
    const { user, oneTimePassword } = await this.accounts.resetPassword(id);
    return { ...viewOf(user), one_time_password: oneTimePassword };
  }
}
